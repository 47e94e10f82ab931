BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    function New-ManifoldRows([int] $Count, [int] $Seed) {
        # 20 columns driven by 3 hidden factors plus a little noise: the right bottleneck is 3.
        $rnd = [Random]::new($Seed)
        $mixRnd = [Random]::new(100)
        $mix = foreach ($k in 0..2) { , @(foreach ($j in 0..19) { $mixRnd.NextDouble() * 2 - 1 }) }
        $gauss = { [math]::Sqrt(-2 * [math]::Log(1 - $rnd.NextDouble())) * [math]::Cos(2 * [math]::PI * $rnd.NextDouble()) }
        for ($i = 0; $i -lt $Count; $i++) {
            $z = @((& $gauss), (& $gauss), (& $gauss))
            $row = [ordered]@{}
            foreach ($j in 0..19) { $row["m$j"] = 10 + $z[0] * $mix[0][$j] + $z[1] * $mix[1][$j] + $z[2] * $mix[2][$j] + 0.1 * (& $gauss) }
            [pscustomobject]$row
        }
    }
    $rows = @(New-ManifoldRows -Count 1200 -Seed 1)
}

Describe 'Find-AELatentSize' {
    It 'recommends a bottleneck of 3-4 for rows on a 3-factor manifold' {
        $plot = Join-Path $TestDrive 'sizes.png'
        $candidates = $rows | Find-AELatentSize -PlotPath $plot -LatentSize 1, 2, 3, 4, 6, 8 -HiddenSize 32 -Epochs 100 -Patience 10 -LearningRate 0.003 -Seed 3
        $candidates | Format-Table | Out-String | Write-Host
        $candidates | Should -HaveCount 6
        $candidates[0] | Should -BeOfType PSAnomalyAE.AELatentSizeCandidate
        $candidates.LatentSize | Should -Be 1, 2, 3, 4, 6, 8
        ($candidates | Where-Object Recommended).LatentSize | Should -BeIn 3, 4
        $candidates | ForEach-Object { $_.Folds | Should -Be 5; $_.StandardError | Should -BeGreaterOrEqual 0 }
        $candidates[0].MeanError | Should -BeGreaterThan (10 * $candidates[2].MeanError)
        (Get-Item $plot).Length | Should -BeGreaterThan 10000
    }

    It 'is reproducible with -Seed' {
        $a = $rows[0..299] | Find-AELatentSize -LatentSize 1, 2 -Folds 2 -Epochs 5 -Seed 4
        $b = $rows[0..299] | Find-AELatentSize -LatentSize 1, 2 -Folds 2 -Epochs 5 -Seed 4
        $a.MeanError | Should -Be $b.MeanError
    }

    It 'uses a ladder of sizes below the input width by default' {
        $c = $rows[0..199] | Select-Object m0, m1, m2, m3, m4, m5, m6, m7, m8 | Find-AELatentSize -Folds 2 -Epochs 2 -Seed 1
        $c.LatentSize | Should -Be 1, 2, 3, 4, 6, 8
    }

    It 'reports ROC-AUC per candidate on labelled validation rows' {
        $normal = @(New-ManifoldRows -Count 100 -Seed 2 | ForEach-Object { $_ | Add-Member label 'normal' -PassThru })
        $odd = @(New-ManifoldRows -Count 20 -Seed 3 | ForEach-Object { $_.m5 = [double]$_.m5 + 8; $_ | Add-Member label 'anomaly' -PassThru })
        $c = $rows[0..599] | Find-AELatentSize -LatentSize 1, 3 -Folds 2 -Epochs 60 -Seed 5 -ValidationData ($normal + $odd) -LabelProperty label
        $c | ForEach-Object { $_.RocAuc | Should -BeGreaterThan 0.5 }
        ($c | Where-Object LatentSize -EQ 3).RocAuc | Should -BeGreaterThan 0.95
    }

    It 'returns a model trained on all rows with the recommended size with -PassThru' {
        $m = $rows[0..599] | Find-AELatentSize -LatentSize 1, 3 -Folds 2 -Epochs 60 -Seed 5 -PassThru -InformationVariable cv
        $m | Should -BeOfType PSAnomalyAE.AEModel
        $m.LatentSize | Should -Be 3
        $m.TrainingRows + $m.ValidationRows | Should -Be 600
        $cv.MessageData.LatentSize | Should -Be 1, 3
    }

    It 'needs -LabelProperty with -ValidationData' {
        { $rows[0..49] | Find-AELatentSize -ValidationData $rows[0..9] } | Should -Throw -ErrorId 'ValidationDataNeedsLabel,PSAnomalyAE.Commands.FindAELatentSizeCommand'
    }

    It 'names a validation row whose label it cannot read' {
        $v = @($rows[0..3] | ForEach-Object { $_.PSObject.Copy() | Add-Member label 0 -PassThru })
        $v[1].label = 'maybe'
        $v[3].label = 'yes'
        $null = $rows[0..99] | Find-AELatentSize -LatentSize 2 -Folds 2 -Epochs 1 -Seed 1 -ValidationData $v -LabelProperty label -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidLabel,PSAnomalyAE.Commands.FindAELatentSizeCommand'
        $e[0].Exception.Message | Should -BeLike "Validation row 2: label is 'maybe'*"
    }
}
