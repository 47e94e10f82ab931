# A model's life after training: what a saved file holds (without loading it), a threshold set by hand, and more
# training on new normal data that keeps what the model has learned.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $rows = @(New-MetricRows -Count 300 -Seed 1)
    $newRows = @(New-MetricRows -Count 200 -Seed 2)
    $model = $rows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 4 -Seed 1
    $folder = Join-Path $TestDrive 'models'
    $null = New-Item -ItemType Directory -Path $folder
    Export-AEModel -Model $model -Path (Join-Path $folder 'web.aemodel')
    Export-AEModel -Model ($rows | Invoke-AETraining -Property cpu_pct, latency_ms -WindowSize 4 -Epochs 2 -Seed 1) -Path (Join-Path $folder 'latency.aemodel')
}

Describe 'Get-AEModelInfo' {
    It 'describes every model file Get-ChildItem finds' {
        $info = @(Get-ChildItem $folder -Filter *.aemodel | Get-AEModelInfo | Sort-Object Name)
        $info.Name | Should -Be 'latency', 'web'
        $web = $info[1]
        $web.FeatureNames | Should -Be $model.FeatureNames
        $web.Architecture | Should -Be 'Dense'
        $web.HiddenSize | Should -Be $model.HiddenSize
        $web.LatentSize | Should -Be $model.LatentSize
        $web.Threshold | Should -Be $model.Threshold
        $web.ThresholdMethod | Should -Be $model.ThresholdMethod
        $web.EpochsRun | Should -Be $model.History.Count
        $web.TrainingRows | Should -Be $model.TrainingRows
        $web.Seed | Should -Be 1
        $web.ParameterCount | Should -Be $model.ParameterCount
        $web.FormatVersion | Should -Be 3
        $web.Scoring | Should -Be 'ReconstructionAndDistance'
        $web.Size | Should -Be (Get-Item (Join-Path $folder 'web.aemodel')).Length
        $web.ChecksumVerified | Should -BeTrue
        $info[0].WindowSize | Should -Be 4
        $info[0].FeatureNames | Should -Be 'cpu_pct', 'latency_ms'
    }

    It 'lists files as a table' {
        $text = Get-AEModelInfo -Path (Join-Path $folder '*.aemodel') | Out-String
        $text | Should -Match 'Name\s+Architecture\s+Features\s+Threshold\s+TrainedAt\s+Size\(KB\)'
        $text | Should -Match 'latency\s+Dense \(window 4\)\s+2 '
    }

    It 'expands wildcards in -Path' {
        @(Get-AEModelInfo -Path (Join-Path $folder '*.aemodel')) | Should -HaveCount 2
    }

    It 'reports a damaged file and goes on with the others; -SkipChecksum reads the header only' {
        $bad = Join-Path $TestDrive 'bad.aemodel'
        $bytes = [IO.File]::ReadAllBytes((Join-Path $folder 'web.aemodel'))
        $bytes[$bytes.Length - 40] = $bytes[$bytes.Length - 40] -bxor 0xFF
        [IO.File]::WriteAllBytes($bad, $bytes)
        $out = @(Get-AEModelInfo -LiteralPath $bad, (Join-Path $folder 'web.aemodel') -ErrorVariable e -ErrorAction SilentlyContinue)
        $out.Name | Should -Be 'web'
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidModelFile,PSAnomalyAE.Commands.GetAEModelInfoCommand'
        $e[0].Exception.Message | Should -BeLike '*checksum does not match*'
        $quick = Get-AEModelInfo -LiteralPath $bad -SkipChecksum
        $quick.ChecksumVerified | Should -BeFalse
        $quick.FeatureNames | Should -Be $model.FeatureNames
    }

    It 'reports a file that is not a model' {
        $text = Join-Path $TestDrive 'notes.aemodel'
        Set-Content -LiteralPath $text -Value ('not a model ' * 10)
        $null = Get-AEModelInfo -LiteralPath $text -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidModelFile,PSAnomalyAE.Commands.GetAEModelInfoCommand'
        $e[0].Exception.Message | Should -BeLike '*does not start with the PSAnomalyAE signature*'
    }

    It "does not load libtorch$(if (-not $IsLinux) { ' (skipped: it reads /proc/PID/maps, on Linux only)' })" -Skip:(-not $IsLinux) {
        $file = Join-Path $folder 'web.aemodel'
        $r = Invoke-Pwsh "`$i = Get-AEModelInfo -LiteralPath '$file'; @{ Name = `$i.Name; Torch = @(Get-Content /proc/`$PID/maps | Where-Object { `$_ -match 'libtorch' }).Count } | ConvertTo-Json"
        $r.Name | Should -Be 'web'
        $r.Torch | Should -Be 0
    }
}

Describe 'Set-AEThreshold' {
    BeforeEach { $m = $rows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 2 -Seed 1 }

    It 'takes -Model first by position, as the other cmdlets do, and the threshold alone when the model is piped' {
        Set-AEThreshold $m 0.6
        $m.Threshold | Should -Be 0.6
        $m | Set-AEThreshold 0.7
        $m.Threshold | Should -Be 0.7
        Set-AEThreshold -Model $m 0.8
        $m.Threshold | Should -Be 0.8
        $syntax = (Get-Command Set-AEThreshold -Syntax) -join "`n"
        $syntax | Should -Match '(?m)^Set-AEThreshold \[-Model\] <AEModel> \[-Threshold\] <double>'
    }

    It 'sets the threshold that Test-AEAnomaly and the model file use' {
        Set-AEThreshold -Model $m -Threshold 0.5 | Should -BeNullOrEmpty
        $m.Threshold | Should -Be 0.5
        $m.ThresholdMethod | Should -Be 'Manual (Set-AEThreshold)'
        ($rows[0..2] | Test-AEAnomaly -Model $m).Threshold | Should -Be 0.5, 0.5, 0.5
        $path = Join-Path $TestDrive 'manual.aemodel'
        Export-AEModel -Model $m -Path $path -Force
        (Get-AEModelInfo $path).Threshold | Should -Be 0.5
        (Import-AEModel $path).Threshold | Should -Be 0.5
    }

    It 'changes nothing with -WhatIf' {
        $before = $m.Threshold
        Set-AEThreshold -Model $m -Threshold 0.5 -WhatIf
        $m.Threshold | Should -Be $before
    }

    It 'takes the model from the pipeline and passes it on with -PassThru' {
        $out = $m | Set-AEThreshold -Threshold 2 -PassThru
        [object]::ReferenceEquals($out, $m) | Should -BeTrue
        $out.Threshold | Should -Be 2
    }

    It 'needs a trained model' {
        { Set-AEThreshold -Model (New-AEModel) -Threshold 1 } | Should -Throw -ErrorId 'ModelNotTrained,PSAnomalyAE.Commands.SetAEThresholdCommand'
    }

    It 'refuses a negative threshold' {
        { Set-AEThreshold -Model $m -Threshold -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PSAnomalyAE.Commands.SetAEThresholdCommand'
    }
}

Describe 'Invoke-AETraining -Continue' {
    It 'keeps features, scaler and weights, trains more epochs and appends them to History' {
        $m = $rows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 4 -Patience 0 -Seed 1
        $features = $m.FeatureNames
        $lastLoss = $m.History[-1].ValidationLoss
        $out = $newRows | Invoke-AETraining -Model $m -Continue -Epochs 3 -Patience 0 -Seed 2
        [object]::ReferenceEquals($out, $m) | Should -BeTrue
        $m.FeatureNames | Should -Be $features
        $m.History.Epoch | Should -Be (1..7)
        $m.EpochsRun | Should -Be 7
        $m.TrainingRows + $m.ValidationRows | Should -Be 200
        # A warm start begins where the first run ended, far below an untrained network's loss.
        $fresh = $newRows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 1 -Seed 2
        $m.History[4].TrainLoss | Should -BeLessThan $fresh.History[0].TrainLoss
    }

    It 'keeps a threshold chosen by hand and warns that it should be chosen again' {
        $m = $rows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 2 -Seed 1
        Set-AEThreshold -Model $m -Threshold 0.75
        $null = $newRows | Invoke-AETraining -Model $m -Continue -Epochs 1 -WarningVariable w -WarningAction SilentlyContinue
        $m.Threshold | Should -Be 0.75
        "$w" | Should -BeLike '*keeps its threshold 0.75*Find-AEThreshold*'
    }

    It 'refuses to change the network' {
        $m = $rows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 1 -Seed 1
        $err = { $newRows | Invoke-AETraining -Model $m -Continue -HiddenSize 4 -Epochs 1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'InvalidArgument,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $err.Exception.Message | Should -BeLike '*cannot change HiddenSize*'
    }

    It 'keeps how the model scores, so its threshold keeps its meaning' {
        # Trained without held-out rows, the model scores by the reconstruction error alone (as one imported from
        # PyTorch does), though its settings name the default score.
        $m = $rows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 2 -Seed 1 -ValidationFraction 0 -WarningAction SilentlyContinue
        $m.Scoring | Should -Be 'Reconstruction'
        Set-AEThreshold -Model $m -Threshold 0.5
        $null = $newRows | Invoke-AETraining -Model $m -Continue -Epochs 1 -ValidationFraction 0.2 -WarningAction SilentlyContinue
        $m.Scoring | Should -Be 'Reconstruction'
        $m.Threshold | Should -Be 0.5
        $scored = @($newRows | Measure-AEReconstructionError -Model $m)
        # The score is the mean of the per-feature errors (float32), with no distance term added.
        $mean = ($scored[0].FeatureErrors.PSObject.Properties.Value | Measure-Object -Average).Average
        [Math]::Abs($scored[0].Score - $mean) / $mean | Should -BeLessThan 1e-6
    }

    It 'refuses to change how the model scores' {
        $m = $rows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 1 -Seed 1
        $err = { $newRows | Invoke-AETraining -Model $m -Continue -Scoring Reconstruction -Epochs 1 } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike '*cannot change Scoring*'
    }

    It 'needs a trained model' {
        { $newRows | Invoke-AETraining -Model (New-AEModel) -Continue } | Should -Throw -ErrorId 'ModelNotTrained,PSAnomalyAE.Commands.InvokeAETrainingCommand'
    }

    It 'stops with one error when the rows lack a feature of the model' {
        $m = $rows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 1 -Seed 1
        $err = { $newRows | Select-Object cpu_pct, memory_pct | Invoke-AETraining -Model $m -Continue -Epochs 1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MissingFeatureColumn,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $err.Exception.Message | Should -BeLike "*'requests_per_s', 'latency_ms'*"
    }
}
