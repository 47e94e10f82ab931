# Nonsense is refused or said, never accepted in silence: one training row, a bottleneck as wide as the inputs, a
# CSV file with a header and no rows; and Test-AEAnomaly -Verbose says what it did.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $rows = @(New-MetricRows -Count 200 -Seed 1)
    $model = $rows | Invoke-AETraining -Epochs 5 -Seed 1 -Name web
}

Describe 'Training refuses what would only look trained' {
    It 'stops on one row with an error, not a warning and a model without a threshold' {
        $err = { $rows[0] | Invoke-AETraining -Epochs 2 -Seed 1 -ErrorAction Stop -WarningAction Stop } |
            Should -Throw -ErrorId 'NotEnoughData,PSAnomalyAE.Commands.InvokeAETrainingCommand' -PassThru
        $err.Exception.Message | Should -BeLike 'Only 1 valid row was given to train on*'
    }

    It 'stops on a -LatentSize not smaller than the inputs, naming both numbers' {
        $err = { $rows | Invoke-AETraining -LatentSize 10 -Epochs 2 -Seed 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument,PSAnomalyAE.Commands.InvokeAETrainingCommand' -PassThru
        $err.Exception.Message | Should -BeLike 'The latent size 10 is not smaller than the 4 inputs*'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*-LatentSize below 4*'
        { $rows | Invoke-AETraining -Model (New-AEModel -LatentSize 4) -Epochs 2 -Seed 1 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        ($rows | Invoke-AETraining -LatentSize 3 -Epochs 2 -Seed 1).LatentSize | Should -Be 3
        # A sparse network's penalty keeps a wide bottleneck from copying: that is a design, not a mistake.
        ($rows | Invoke-AETraining -Architecture Sparse -LatentSize 6 -Epochs 2 -Seed 1).LatentSize | Should -Be 6
    }
}

Describe 'Scoring says what it did' {
    It 'warns that a -Path file with a header and no rows has nothing to score' {
        $file = Join-Path $TestDrive 'header-only.csv'
        'timestamp,host,cpu_pct,requests_per_s,memory_pct,latency_ms' | Set-Content -LiteralPath $file
        $out = Test-AEAnomaly -Model $model -Path $file -WarningVariable warned -WarningAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $warned.Message | Should -Be "'$file' has a header and no rows: nothing was scored from it."
    }

    It 'prints with -Verbose the rows read, scored and flagged, and how long it took' {
        $stream = @(New-MetricRows -Count 20 -Seed 2)
        $stream[5].cpu_pct = '99.5'; $stream[5].requests_per_s = '100'
        $stream[7].latency_ms = 'n/a?'
        $out = @($stream | Test-AEAnomaly -Model $model -Verbose -ErrorAction SilentlyContinue 4>&1)
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $flagged = @($out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] -and $_.Anomaly }).Count
        $flagged | Should -BeGreaterThan 0
        $verbose.Message | Should -Match "^20 rows read, 19 scored, $flagged flagged as anomalies, 19 written; 1 not scored \(errors, skipped or missing values\), in \d+\.\d\d s \(.* rows/s\) with model 'web'\.$"
    }
}
