BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $rows = New-MetricRows -Count 400 -Seed 1
    $model = $rows | Invoke-AETraining -Seed 1 -Epochs 20
    $probe = New-MetricRows -Count 30 -Seed 4
}

Describe 'Export-AEModel and Import-AEModel' {
    It 'round-trips a model that scores identically in a new pwsh process' {
        $path = Join-Path $TestDrive 'model.aemodel'
        Export-AEModel -Model $model -Path $path
        $probeCsv = Join-Path $TestDrive 'probe.csv'
        $probe | Export-Csv -LiteralPath $probeCsv
        $here = Import-Csv $probeCsv | Test-AEAnomaly -Model $model
        $there = Invoke-Pwsh @"
`$m = Import-AEModel -LiteralPath '$path'
Import-Csv '$probeCsv' | Test-AEAnomaly -Model `$m | Select-Object Score, Threshold, Anomaly | ConvertTo-Json -Depth 3
"@
        # JSON keeps 17 significant digits, so the doubles compare exactly.
        $there.Score | Should -Be $here.Score
        $there.Threshold | Should -Be $here.Threshold
        $there.Anomaly | Should -Be $here.Anomaly
    }

    It 'keeps the features, scaler settings, threshold and history' {
        $path = Join-Path $TestDrive 'kept.aemodel'
        $model | Export-AEModel -Path $path
        $m = Import-AEModel $path
        $m.FeatureNames | Should -Be $model.FeatureNames
        $m.Threshold | Should -Be $model.Threshold
        $m.ThresholdMethod | Should -Be $model.ThresholdMethod
        $m.History.TrainLoss | Should -Be $model.History.TrainLoss
        $m.Seed | Should -Be 1
        $m.HiddenSize | Should -Be $model.HiddenSize
    }

    It 'needs -Force to replace a file, and -WhatIf writes nothing' {
        $path = Join-Path $TestDrive 'exists.aemodel'
        Export-AEModel -Model $model -Path $path -WhatIf
        $path | Should -Not -Exist
        Set-Content -LiteralPath $path -Value 'keep me'
        { Export-AEModel -Model $model -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'ModelFileExists,PSAnomalyAE.Commands.ExportAEModelCommand'
        Get-Content -LiteralPath $path | Should -Be 'keep me'
        $file = Export-AEModel -Model $model -Path $path -Force -PassThru
        $file | Should -BeOfType [IO.FileInfo]
        $file.Length | Should -BeGreaterThan 1000
        (Import-AEModel -LiteralPath $path).IsTrained | Should -BeTrue
        Get-ChildItem -LiteralPath $TestDrive -Filter '*.tmp' -Force | Should -BeNullOrEmpty
    }

    It 'resolves provider paths: TestDrive:, ~ and literal brackets' {
        Export-AEModel -Model $model -Path 'TestDrive:/drive.aemodel'
        (Import-AEModel -Path 'TestDrive:/drive.aemodel').FeatureNames | Should -Be $model.FeatureNames

        $literal = Join-Path $TestDrive 'model[1].aemodel'
        Export-AEModel -Model $model -LiteralPath $literal
        Test-Path -LiteralPath $literal | Should -BeTrue
        (Import-AEModel -LiteralPath $literal).IsTrained | Should -BeTrue
        (Get-ChildItem -LiteralPath $literal | Import-AEModel).IsTrained | Should -BeTrue

        $home_ = Join-Path '~' ("psae-test-{0}.aemodel" -f [guid]::NewGuid().ToString('N'))
        try {
            Export-AEModel -Model $model -Path $home_
            (Import-AEModel -Path $home_).IsTrained | Should -BeTrue
        } finally { Remove-Item -Path $home_ -ErrorAction Ignore }
    }

    It 'stops at a damaged or foreign file, after the models before it' {
        $good = Join-Path $TestDrive 'good.aemodel'
        Export-AEModel -Model $model -Path $good
        $bytes = [IO.File]::ReadAllBytes($good)
        $bad = Join-Path $TestDrive 'bad.aemodel'
        [IO.File]::WriteAllBytes($bad, $bytes[0..($bytes.Length / 2)])
        $foreign = Join-Path $TestDrive 'foreign.aemodel'
        Set-Content -LiteralPath $foreign -Value 'not a model'

        $out = [Collections.Generic.List[object]]::new()
        $e = { Import-AEModel -LiteralPath $good, $bad, $good -ErrorAction SilentlyContinue | ForEach-Object { $out.Add($_) } } |
            Should -Throw -ErrorId 'InvalidModelFile,PSAnomalyAE.Commands.ImportAEModelCommand' -PassThru
        $out | Should -HaveCount 1
        $e.TargetObject | Should -Be $bad
        $e.Exception.Message | Should -BeLike '*not a PSAnomalyAE model file, or it is damaged*'
        { Import-AEModel -LiteralPath $foreign } | Should -Throw -ErrorId 'InvalidModelFile,PSAnomalyAE.Commands.ImportAEModelCommand'
    }

    It 'says when a file does not exist' {
        { Import-AEModel -Path (Join-Path $TestDrive 'none.aemodel') } |
            Should -Throw -ErrorId 'ModelFileNotFound,PSAnomalyAE.Commands.ImportAEModelCommand'
    }

    It 'refuses to export an untrained model' {
        { Export-AEModel -Model (New-AEModel) -Path (Join-Path $TestDrive 'u.aemodel') } |
            Should -Throw -ErrorId 'ModelNotTrained,PSAnomalyAE.Commands.ExportAEModelCommand'
    }
}
