BeforeDiscovery {
    $kinds = 'Dense', 'Sparse', 'Variational', 'Denoising'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $train = New-MetricRows -Count 600 -Seed 1
    $probe = @(New-MetricRows -Count 40 -Seed 2)
    $probe[5].cpu_pct = '97'
}

Describe 'The <_> architecture' -ForEach $kinds {
    BeforeAll {
        $kind = $_
        # A plain dense network needs a bottleneck narrower than its 4 inputs; the others' penalty or noise allows 4.
        $model = $train | Invoke-AETraining -Architecture $kind -Seed 1 -Epochs 100 -LatentSize ($kind -eq 'Dense' ? 3 : 4) -KLWeight 0.05
    }

    It 'trains, scores and flags the broken row' {
        $model.Architecture | Should -Be $kind
        $model.History[-1].ValidationLoss | Should -BeLessThan $model.History[0].ValidationLoss
        $out = $probe | Test-AEAnomaly -Model $model
        $out | Should -HaveCount 40
        $out[5].Anomaly | Should -BeTrue
        $out[5].TopFeatures[0].Feature | Should -Be 'cpu_pct'
    }

    It 'splits the loss into reconstruction and penalty when the kind has a penalty' {
        if ($kind -in 'Sparse', 'Variational') {
            $model.History[-1].TrainPenalty | Should -BeGreaterOrEqual 0
            [math]::Abs($model.History[-1].TrainLoss - $model.History[-1].TrainReconstruction - $model.History[-1].TrainPenalty) | Should -BeLessThan 1e-5
        } else {
            $model.History[-1].TrainPenalty | Should -BeNullOrEmpty
        }
    }

    It 'round-trips through a model file with identical scores' {
        $path = Join-Path $TestDrive "$kind.aemodel"
        Export-AEModel -Model $model -Path $path
        $back = Import-AEModel -LiteralPath $path
        $back.Architecture | Should -Be $kind
        ($probe | Measure-AEReconstructionError -Model $back).Score |
            Should -Be ($probe | Measure-AEReconstructionError -Model $model).Score
    }
}

Describe 'PCA before the network' {
    It 'keeps the share of variance asked for and reports errors in the original columns' {
        $m = $train | Invoke-AETraining -PcaComponents 0.9 -Seed 1 -Epochs 30
        $m.PcaComponentCount | Should -BeLessThan 4
        $m.PcaExplainedVariance | Should -BeGreaterOrEqual 0.9
        $r = $probe | Measure-AEReconstructionError -Model $m
        $r[0].FeatureErrors.PSObject.Properties.Name | Should -Be 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms'
        ($probe[5] | Test-AEAnomaly -Model $m).TopFeatures[0].Feature | Should -Be 'cpu_pct'
        $path = Join-Path $TestDrive 'pca.aemodel'
        Export-AEModel -Model $m -Path $path
        ((Import-AEModel $path) | ForEach-Object { ($probe | Measure-AEReconstructionError -Model $_).Score }) |
            Should -Be $r.Score
    }
}

Describe 'Time series: windows of consecutive rows' {
    BeforeAll {
        . (Join-Path $RepoRoot 'examples/New-ServerMetrics.ps1')
        $series = @(New-ServerMetrics -Days 6 -Seed 11)
        $normalDays = $series[0..(3 * 288 - 1)]
        $recent = $series[(3 * 288)..($series.Count - 1)]
        $windowed = @{}
        foreach ($kind in 'Dense', 'Convolutional', 'Recurrent') {
            $windowed[$kind] = $normalDays | Invoke-AETraining -Architecture $kind -WindowSize 12 -ExcludeProperty incident -TimestampProperty timestamp -Seed 1 -Epochs 15
        }
    }

    It '<_> scores each row by the window ending at it; the first 11 rows have no score yet' -ForEach 'Dense', 'Convolutional', 'Recurrent' {
        $m = $windowed[$_]
        $m.Architecture | Should -Be $_
        $m.WindowSize | Should -Be 12
        $out = $recent | Test-AEAnomaly -Model $m
        $out | Should -HaveCount $recent.Count
        $out[0..10] | ForEach-Object { $_.Score | Should -BeNullOrEmpty; $_.ReconstructionError | Should -BeNullOrEmpty; $_.Anomaly | Should -BeNullOrEmpty; $_.Reason | Should -BeLike 'No score yet*' }
        $out[11..($out.Count - 1)] | ForEach-Object { $_.Score | Should -BeOfType [double] }
        # The incidents injected into the last days stand out.
        ($out | Where-Object incident | Where-Object Anomaly).Count | Should -BeGreaterThan 10
    }

    It '<_> streamed in small batches equals scoring in one go' -ForEach 'Convolutional', 'Recurrent' {
        $m = $windowed[$_]
        $small = ($recent | Measure-AEReconstructionError -Model $m -BatchSize 7).Score
        $large = ($recent | Measure-AEReconstructionError -Model $m -BatchSize 10000).Score
        $small.Count | Should -Be $large.Count
        for ($i = 11; $i -lt $large.Count; $i++) { [math]::Abs($small[$i] - $large[$i]) | Should -BeLessOrEqual (1e-6 * [math]::Max(1, $large[$i])) }
    }

    It '<_> round-trips through a model file with identical scores' -ForEach 'Dense', 'Convolutional', 'Recurrent' {
        $path = Join-Path $TestDrive "w-$_.aemodel"
        Export-AEModel -Model $windowed[$_] -Path $path
        $back = Import-AEModel -LiteralPath $path
        $back.WindowSize | Should -Be 12
        $a = ($recent[0..99] | Measure-AEReconstructionError -Model $back).Score
        $b = ($recent[0..99] | Measure-AEReconstructionError -Model $windowed[$_]).Score
        $a | Should -Be $b
    }

    It 'sorts shuffled rows by -TimestampProperty before training' {
        $rng = [Random]::new(4)
        $shuffled = $normalDays | Sort-Object { $rng.Next() }
        $a = $shuffled | Invoke-AETraining -WindowSize 6 -TimestampProperty timestamp -ExcludeProperty incident -Seed 2 -Epochs 3
        $b = $normalDays | Invoke-AETraining -WindowSize 6 -TimestampProperty timestamp -ExcludeProperty incident -Seed 2 -Epochs 3
        $a.History.TrainLoss | Should -Be $b.History.TrainLoss
        $a.FeatureNames | Should -Not -Contain 'timestamp'
    }

    It 'flags only sustained anomalies with -MinConsecutive' {
        $m = $windowed['Dense']
        $plain = $recent | Test-AEAnomaly -Model $m
        $sustained = $recent | Test-AEAnomaly -Model $m -MinConsecutive 3
        @($sustained | Where-Object Anomaly).Count | Should -BeLessThan @($plain | Where-Object Anomaly).Count
        for ($i = 13; $i -lt $sustained.Count; $i++) {
            if ($sustained[$i].Anomaly) {
                $plain[($i - 2)..$i] | ForEach-Object { $_.Score | Should -BeGreaterThan $_.Threshold }
            }
        }
    }

    It 'needs a window for the convolutional and recurrent kinds' {
        { $normalDays | Invoke-AETraining -Architecture Recurrent -ExcludeProperty incident } |
            Should -Throw -ErrorId 'InvalidArgument,PSAnomalyAE.Commands.InvokeAETrainingCommand'
    }
}

Describe 'Image-shaped rows' {
    It 'trains a 2-D convolutional model on 6 x 6 grids, flags a striped one and round-trips' {
        $rng = [Random]::new(1)
        $image = {
            param([bool] $stripe)
            $cy = 1 + 3 * $rng.NextDouble(); $cx = 1 + 3 * $rng.NextDouble()
            $row = [ordered]@{}
            foreach ($y in 0..5) { foreach ($x in 0..5) { $row["p$y$x"] = if ($stripe -and $y -eq 3) { 1 } else { [math]::Exp(-(($y - $cy) * ($y - $cy) + ($x - $cx) * ($x - $cx)) / 2) } } }
            [pscustomobject]$row
        }
        $normal = 1..800 | ForEach-Object { & $image $false }
        $m = $normal | Invoke-AETraining -Architecture Convolutional -ImageShape 6, 6 -Scaling None -LatentSize 6 -Seed 1 -Epochs 40 -LearningRate 0.003
        $m.ImageShape | Should -Be 6, 6
        $probe = @((1..20 | ForEach-Object { & $image $false }) + (1..5 | ForEach-Object { & $image $true }))
        $out = $probe | Test-AEAnomaly -Model $m
        @($out[20..24] | Where-Object Anomaly).Count | Should -Be 5
        @($out[0..19] | Where-Object Anomaly).Count | Should -BeLessOrEqual 2
        $path = Join-Path $TestDrive 'image.aemodel'
        Export-AEModel -Model $m -Path $path
        ($probe | Measure-AEReconstructionError -Model (Import-AEModel $path)).Score | Should -Be $out.Score
    }
}

Describe 'Thresholds for windowed models' {
    It 'leaves out the rows that have no score yet' {
        . (Join-Path $RepoRoot 'examples/New-ServerMetrics.ps1')
        $rows = @(New-ServerMetrics -Days 4 -Seed 5)
        $m = $rows[0..575] | Invoke-AETraining -WindowSize 8 -ExcludeProperty incident -Seed 1 -Epochs 3
        $t = $rows[576..863] | Measure-AEReconstructionError -Model $m | Find-AEThreshold -ErrorVariable e
        $e | Should -BeNullOrEmpty
        $t.RowCount | Should -Be (288 - 7)
    }
}
