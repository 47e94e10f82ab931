@{
    RootModule           = 'PSAnomalyAE.dll'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '5b7f6f0e-2f4c-4d43-9a0c-3f0d6b6c9a41'
    Author               = 'PSAnomalyAE contributors'
    CompanyName          = 'PSAnomalyAE'
    Copyright            = '(c) PSAnomalyAE contributors. MIT License.'
    Description          = 'Anomaly detection and outlier detection for PowerShell with autoencoders (neural networks run by libtorch through TorchSharp). Train on normal rows straight from Import-Csv or any pipeline, score new rows by reconstruction error, choose a threshold (percentile, MAD, ROC, false-positive rate) and flag anomalies in server metrics, logs and time series, with the features that explain each one. Dense, sparse, variational, denoising, convolutional and LSTM models; CPU only, no Python needed. Runs on Linux (x64), Windows (x64) and macOS (arm64): the native runtime of each platform comes in its own package (PSAnomalyAE.Runtime.linux-x64, .win-x64, .osx-arm64), installed from the same repository on first use.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('PSAnomalyAE.Format.ps1xml')
    TypesToProcess       = @('PSAnomalyAE.Types.ps1xml')
    CmdletsToExport      = @(
        'New-AEModel'
        'Invoke-AETraining'
        'Measure-AEReconstructionError'
        'Find-AEThreshold'
        'Find-AEScoring'
        'Find-AELatentSize'
        'Test-AEAnomaly'
        'Export-AEModel'
        'Import-AEModel'
        'Get-AEModelInfo'
        'Set-AEThreshold'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @('Find-AEHiddenSize')
    PrivateData          = @{
        PSData = @{
            Tags         = @('AnomalyDetection', 'OutlierDetection', 'Autoencoder', 'MachineLearning', 'NeuralNetwork',
                'DeepLearning', 'TorchSharp', 'libtorch', 'TimeSeries', 'Monitoring', 'Observability', 'Metrics',
                'DataScience', 'CSV', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            # LicenseUri and ProjectUri are left out until the project has public addresses (the licence is the
            # LICENSE file in the module folder). Empty strings would stop Compress-/Publish-PSResource.
            ReleaseNotes = @'
0.1.0 - first release.
- Cmdlets: New-AEModel, Invoke-AETraining, Find-AELatentSize (alias Find-AEHiddenSize), Measure-AEReconstructionError, Find-AEThreshold,
  Test-AEAnomaly, Export-AEModel, Import-AEModel.
- Architectures: Dense, Sparse, Variational, Denoising, Convolutional (1-D windows, 2-D images), Recurrent (LSTM);
  time-series windows, PCA for wide data, categorical columns.
- Thresholds from normal rows (percentile, mean + k sd, median + k MAD, contamination) or labelled rows
  (F1, Youden, false-positive rate, recall, cost), with ROC / precision-recall / histogram pictures.
- Model files with a checksum, written atomically.
- Scored rows carry Score (what the threshold applies to), ReconstructionError (now the reconstruction error itself),
  NeighbourDistance (default scoring), ScoreToThreshold (was AnomalyScore) and ScorePercentile (was ErrorPercentile);
  Find-AEThreshold still reads CSV files whose ReconstructionError column holds the score. Models whose score has
  more than the reconstruction error are saved in model format 3.
- One package, PSAnomalyAE, for every platform; the native runtime (libtorch 2.10, CPU) of each platform is its own
  package, PSAnomalyAE.Runtime.linux-x64, .win-x64 or .osx-arm64, which PSAnomalyAE installs from the repository it
  came from on first use (or Install-PSResource it yourself). A ThirdPartyNotices.txt is in every package.
  On Linux it needs glibc 2.34 and the libstdc++ of GCC 12 or later (Debian 12, Ubuntu 22.04 and newer).
'@
        }
    }
}
