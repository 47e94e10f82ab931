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
        $model = $train | Invoke-AETraining -Architecture $kind -Seed 1 -Epochs 100 -LatentSize 4 -KLWeight 0.05
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
        ($probe | Measure-AEReconstructionError -Model $back).ReconstructionError |
            Should -Be ($probe | Measure-AEReconstructionError -Model $model).ReconstructionError
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
        ((Import-AEModel $path) | ForEach-Object { ($probe | Measure-AEReconstructionError -Model $_).ReconstructionError }) |
            Should -Be $r.ReconstructionError
    }
}
