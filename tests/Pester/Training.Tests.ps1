BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $rows = New-MetricRows -Count 600 -Seed 1
}

Describe 'New-AEModel' {
    It 'creates a configured, untrained model' {
        $m = New-AEModel -HiddenSize 16, 8 -LatentSize 2 -Activation Tanh -Scaling MinMax -Epochs 7 -Seed 3
        $m | Should -BeOfType PSAnomalyAE.AEModel
        $m.IsTrained | Should -BeFalse
        $m.HiddenSize | Should -Be 16, 8
        $m.LatentSize | Should -Be 2
        $m.Activation | Should -Be 'Tanh'
        $m.Scaling | Should -Be 'MinMax'
        $m.Epochs | Should -Be 7
        $m.Threshold | Should -BeNullOrEmpty
    }

    It 'says at once that -Device cuda needs a CUDA build of libtorch' {
        { New-AEModel -Device cuda } | Should -Throw '*CUDA build of libtorch*'
    }

    It 'rejects out-of-range settings' {
        { New-AEModel -LatentSize 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PSAnomalyAE.Commands.NewAEModelCommand'
        { New-AEModel -ValidationFraction 1.5 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PSAnomalyAE.Commands.NewAEModelCommand'
    }
}

Describe 'Invoke-AETraining' {
    It 'trains a default model from rows that Import-Csv gives, choosing the numeric columns' {
        $path = Join-Path $TestDrive 'normal.csv'
        $rows | Export-Csv -LiteralPath $path
        $model = Import-Csv -LiteralPath $path | Invoke-AETraining -Seed 1 -Epochs 40
        $model.IsTrained | Should -BeTrue
        $model.FeatureNames | Should -Be 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms'
        $model.TrainingRows | Should -Be 480
        $model.ValidationRows | Should -Be 120
        $model.History.Count | Should -Be $model.EpochsRun
        $model.History[-1].ValidationLoss | Should -BeLessThan $model.History[0].ValidationLoss
        $model.Threshold | Should -BeGreaterThan 0
        $model.ThresholdMethod | Should -BeLike 'Percentile 99 of 120 rows*'
    }

    It 'trains the model given with -Model and returns that same object' {
        $m = New-AEModel -LatentSize 2 -Epochs 5 -Seed 2
        $out = $rows | Invoke-AETraining -Model $m
        [object]::ReferenceEquals($out, $m) | Should -BeTrue
        $m.IsTrained | Should -BeTrue
        $m.LatentSize | Should -Be 2
    }

    It 'uses only the columns named by -Property, in that order, and drops -ExcludeProperty' {
        ($rows | Invoke-AETraining -Property latency_ms, cpu_pct -Epochs 2 -Seed 1).FeatureNames | Should -Be 'latency_ms', 'cpu_pct'
        ($rows | Invoke-AETraining -ExcludeProperty memory_pct -Epochs 2 -Seed 1).FeatureNames | Should -Be 'cpu_pct', 'requests_per_s', 'latency_ms'
    }

    It 'is exactly reproducible with -Seed' {
        $a = $rows | Invoke-AETraining -Seed 42 -Epochs 15
        $b = $rows | Invoke-AETraining -Seed 42 -Epochs 15
        $a.History.TrainLoss | Should -Be $b.History.TrainLoss
        $a.Threshold | Should -Be $b.Threshold
        $probe = New-MetricRows -Count 50 -Seed 9
        ($probe | Measure-AEReconstructionError -Model $a).Score |
            Should -Be ($probe | Measure-AEReconstructionError -Model $b).Score
    }

    It 'trains with -ThreadCount threads (default 1), reproducibly' {
        ($rows | Invoke-AETraining -Seed 4 -Epochs 2 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Trained on*' }).Message | Should -BeLike '*, 1 threads.'
        $a = $rows | Invoke-AETraining -Seed 4 -Epochs 3 -ThreadCount 2 -Verbose 4>&1
        ($a | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'Trained on*' }).Message | Should -BeLike '*, 2 threads.'
        $b = $rows | Invoke-AETraining -Seed 4 -Epochs 3 -ThreadCount 2
        ($a | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).History.TrainLoss | Should -Be $b.History.TrainLoss
    }

    It 'records the seed it chose, and that seed repeats the run' {
        $a = $rows | Invoke-AETraining -Epochs 5
        $a.Seed | Should -BeOfType [int]
        $b = $rows | Invoke-AETraining -Epochs 5 -Seed $a.Seed
        $b.History.TrainLoss | Should -Be $a.History.TrainLoss
    }

    It 'reports each epoch with -Verbose' {
        $verbose = $rows | Invoke-AETraining -Epochs 3 -Seed 1 -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }
        ($verbose.Message -like 'Epoch */3: train loss *, validation loss *') | Should -HaveCount 3
        $verbose.Message -like 'Features (4): cpu_pct, requests_per_s, memory_pct, latency_ms' | Should -Not -BeNullOrEmpty
    }

    It 'skips a bad row with an error that names the row and column, and trains on the rest' {
        $bad = @($rows[0..9]) + [pscustomobject]@{ timestamp = 'x'; host = 'h'; cpu_pct = 'high'; requests_per_s = '5'; memory_pct = '5'; latency_ms = '5' } + @($rows[10..99])
        $model = $bad | Invoke-AETraining -Epochs 2 -Seed 1 -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs | Should -HaveCount 1
        $errs[0].FullyQualifiedErrorId | Should -Be 'InvalidRowValue,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].Exception.Message | Should -BeLike "Row 11: column 'cpu_pct' is 'high', which is not a number*"
        $errs[0].TargetObject.cpu_pct | Should -Be 'high'
        $model.TrainingRows + $model.ValidationRows | Should -Be 100
    }

    It 'says what is expected when the input is not rows' {
        $err = $null
        { 'a', 'b' | Invoke-AETraining -ErrorAction Stop } | Should -Throw -ErrorId 'InputNotARow,PSAnomalyAE.Commands.InvokeAETrainingCommand'
    }

    It 'fails clearly with no rows at all' {
        { @() | Invoke-AETraining } | Should -Throw -ErrorId 'NotEnoughData,PSAnomalyAE.Commands.InvokeAETrainingCommand'
    }

    It 'accepts hashtables as rows' {
        $h = 1..60 | ForEach-Object { @{ a = $_; b = 2 * $_ + 1 } }
        ($h | Invoke-AETraining -Epochs 2 -Seed 1).FeatureNames | Sort-Object | Should -Be 'a', 'b'
    }

    It 'stops promptly on Ctrl+C and keeps the best weights so far' {
        $model = New-AEModel -Epochs 100000 -Patience 0 -Seed 5
        $iss = [Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
        $iss.ImportPSModule($ModuleManifest)
        $ps = [powershell]::Create($iss)
        $null = $ps.AddScript('param($rows, $model) $rows | Invoke-AETraining -Model $model -Verbose').AddArgument($rows).AddArgument($model)
        $async = $ps.BeginInvoke()
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            # Wait until a few epochs have run (the model is only replaced at the end, so watch -Verbose).
            while ($ps.Streams.Verbose.Count -lt 4 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Stop()
        } finally { $ps.Dispose() }
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        $model.IsTrained | Should -BeTrue
        $model.TrainingInterrupted | Should -BeTrue
        $model.EpochsRun | Should -BeLessThan 100000
        ($rows[0..4] | Test-AEAnomaly -Model $model) | Should -HaveCount 5
    }
}
