@{
    RootModule           = 'PSAnomalyAE.dll'
    ModuleVersion        = '{{ModuleVersion}}'
    GUID                 = '5b7f6f0e-2f4c-4d43-9a0c-3f0d6b6c9a41'
    Author               = 'PSAnomalyAE contributors'
    CompanyName          = 'PSAnomalyAE'
    Copyright            = '(c) PSAnomalyAE contributors. MIT License.'
    Description          = 'Anomaly detection with autoencoders (TorchSharp/libtorch): train on normal rows, score new rows by reconstruction error, flag the rows past a threshold.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('PSAnomalyAE.Format.ps1xml')
    CmdletsToExport      = @(
        'New-AEModel'
        'Invoke-AETraining'
        'Measure-AEReconstructionError'
        'Find-AEThreshold'
        'Find-AELatentSize'
        'Test-AEAnomaly'
        'Export-AEModel'
        'Import-AEModel'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @('Find-AELatentSize')
    PrivateData          = @{
        PSData = @{
            Tags         = @('AnomalyDetection', 'Autoencoder', 'MachineLearning', 'TorchSharp', 'Monitoring')
            LicenseUri   = ''
            ProjectUri   = ''
        }
    }
}
