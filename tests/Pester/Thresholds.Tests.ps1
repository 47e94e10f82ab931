# Threshold methods on a real labelled dataset (thyroid, ODDS): train on normal rows only, choose thresholds on
# validation rows, and check each method and objective does what it promises on those rows.
# Without the data set (../shared/data beside the repository) every test is skipped, saying so.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $dataFile = Join-Path $SharedData 'tabular/thyroid.csv'
    $noData = if (-not (Test-Path -LiteralPath $dataFile)) { "the thyroid data set is not at $dataFile (../shared/data beside the repository)" }
    if ($noData) { return }
    $all = Import-Csv $dataFile
    $rng = [Random]::new(0)
    $normal = @($all | Where-Object label -EQ '0' | Sort-Object { $rng.Next() })
    $anomalous = @($all | Where-Object label -EQ '1' | Sort-Object { $rng.Next() })
    $n = $normal.Count
    $model = $normal[0..([int]($n * 0.6) - 1)] | Invoke-AETraining -ExcludeProperty label -Seed 1
    $half = [int]($anomalous.Count / 2)
    # Validation: 20 % of the normal rows and half of the anomalies, with their scores measured once.
    $validation = @($normal[[int]($n * 0.6)..([int]($n * 0.8) - 1)] + $anomalous[0..($half - 1)] | Measure-AEReconstructionError -Model $model)
    $normalErrors = @($validation | Where-Object label -EQ '0' | ForEach-Object Score)
}

Describe 'Find-AEThreshold on normal rows' {
    BeforeEach { if ($noData) { Set-ItResult -Skipped -Because $noData } }

    It 'takes mean + k standard deviations with -Sigma' {
        $t = $normalErrors | Find-AEThreshold -Sigma 3
        $mean = ($normalErrors | Measure-Object -Average).Average
        $sd = [math]::Sqrt((($normalErrors | ForEach-Object { ($_ - $mean) * ($_ - $mean) }) | Measure-Object -Sum).Sum / $normalErrors.Count)
        $t.Method | Should -Be 'Sigma'
        $t.Parameter | Should -Be 3
        [math]::Abs($t.Threshold - ($mean + 3 * $sd)) | Should -BeLessThan 1e-12
        $t.FlaggedCount | Should -Be @($normalErrors | Where-Object { $_ -gt $t.Threshold }).Count
    }

    It 'takes median + k scaled MADs with -Mad, which outliers barely move' {
        $t = $normalErrors | Find-AEThreshold -Mad 3
        $t.Method | Should -Be 'Mad'
        $withOutliers = @($normalErrors) + @(1e6, 1e6, 1e6) | Find-AEThreshold -Mad 3
        [math]::Abs($withOutliers.Threshold - $t.Threshold) / $t.Threshold | Should -BeLessThan 0.05
        ($normalErrors + @(1e6, 1e6, 1e6) | Find-AEThreshold -Sigma 3).Threshold | Should -BeGreaterThan (100 * $t.Threshold)
    }

    It 'flags the expected share with -Contamination' {
        $t = $normalErrors | Find-AEThreshold -Contamination 0.05
        $t.Method | Should -Be 'Contamination'
        $t.FlaggedPercent | Should -BeGreaterThan 4
        $t.FlaggedPercent | Should -BeLessOrEqual 5.1
    }

    It 'caps the share of flagged rows with -MaxAnomalyRatio, and says so' {
        $t = $normalErrors | Find-AEThreshold -Percentile 50 -MaxAnomalyRatio 0.1 -WarningVariable w -WarningAction SilentlyContinue
        $t.Capped | Should -BeTrue
        $t.FlaggedPercent | Should -BeLessOrEqual 10.1
        "$w" | Should -BeLike '*raised*MaxAnomalyRatio*'
    }
}

Describe 'Find-AEThreshold on labelled rows' {
    BeforeEach { if ($noData) { Set-ItResult -Skipped -Because $noData } }

    It 'computes ROC-AUC and average precision, and curves that pipe to Export-Csv' {
        $t = $validation | Find-AEThreshold -LabelProperty label
        $t.Objective, $t.Method | Should -Contain 'F1'
        $t.RocAuc | Should -BeGreaterThan 0.85
        $t.AveragePrecision | Should -BeGreaterThan 0.2
        $t.Roc[0].FalsePositiveRate | Should -Be 0
        $t.Roc[-1].TruePositiveRate | Should -Be 1
        $t.TruePositives + $t.FalseNegatives | Should -Be $half
        $csv = Join-Path $TestDrive 'roc.csv'
        $t.Roc | Export-Csv $csv
        (Import-Csv $csv)[1].PSObject.Properties.Name | Should -Be 'Threshold', 'FalsePositiveRate', 'TruePositiveRate', 'TruePositives', 'FalsePositives', 'TrueNegatives', 'FalseNegatives'
        $t.PrecisionRecall | Export-Csv (Join-Path $TestDrive 'pr.csv')
        Write-Host ("    thyroid validation: ROC-AUC {0:F4}, AP {1:F4}; F1 threshold {2:G4}: precision {3:F3}, recall {4:F3}" -f $t.RocAuc, $t.AveragePrecision, $t.Threshold, $t.Precision, $t.Recall)
    }

    It 'respects "-Objective MaxFalsePositiveRate 0.01" on those rows' {
        $t = $validation | Find-AEThreshold -LabelProperty label -Objective MaxFalsePositiveRate 0.01
        $flaggedNormal = @($validation | Where-Object { $_.label -eq '0' -and $_.Score -gt $t.Threshold }).Count
        $flaggedNormal / $normalErrors.Count | Should -BeLessOrEqual 0.01
        $t.FalsePositiveRate | Should -BeLessOrEqual 0.01
        $t.Parameter | Should -Be 0.01
    }

    It 'catches at least the asked share with -Objective MinRecall' {
        $t = $validation | Find-AEThreshold -LabelProperty label -Objective MinRecall -ObjectiveValue 0.9
        $caught = @($validation | Where-Object { $_.label -eq '1' -and $_.Score -gt $t.Threshold }).Count
        $caught / $half | Should -BeGreaterOrEqual 0.9
        $t.Recall | Should -BeGreaterOrEqual 0.9
    }

    It 'picks the best operating point for <_>' -ForEach 'F1', 'Youden', 'Cost' {
        $t = $validation | Find-AEThreshold -LabelProperty label -Objective $_
        $best = $t
        # No other distinct threshold does better on the objective.
        foreach ($p in $t.Roc | Select-Object -Skip 1) {
            $tp = $p.TruePositives; $fp = $p.FalsePositives; $fn = $p.FalseNegatives
            switch ($_) {
                'F1' { 2 * $tp / (2 * $tp + $fp + $fn) | Should -BeLessOrEqual ($best.F1 + 1e-12) }
                'Youden' { $p.TruePositiveRate - $p.FalsePositiveRate | Should -BeLessOrEqual ($best.Recall - $best.FalsePositiveRate + 1e-12) }
                'Cost' { 10 * $fn + $fp | Should -BeGreaterOrEqual (10 * $best.FalseNegatives + $best.FalsePositives) }
            }
        }
    }

    It 'stores the threshold on the model and Test-AEAnomaly reports severity' {
        $null = $validation | Find-AEThreshold -LabelProperty label -Objective Youden -Model $model
        $model.ThresholdMethod | Should -BeLike 'Youden *(Find-AEThreshold)'
        $scored = $anomalous[$half..($anomalous.Count - 1)] | Test-AEAnomaly -Model $model
        $scored | ForEach-Object { $_.Severity | Should -BeIn 'Normal', 'Low', 'Medium', 'High', 'Critical' }
        $flagged = @($scored | Where-Object Anomaly)
        $flagged | ForEach-Object { $_.Severity | Should -Not -Be 'Normal'; $_.ScorePercentile | Should -BeGreaterThan 50 }
        $critical = $flagged | Where-Object Severity -EQ 'Critical' | Select-Object -First 1
        if ($critical) { $critical.ScoreToThreshold | Should -BeGreaterThan 10 }
    }

    It 'reads a CSV written by an earlier version, whose ReconstructionError column holds the score, as it reads Score' {
        $yesterday = Join-Path $TestDrive 'yesterday.csv'
        $today = Join-Path $TestDrive 'today.csv'
        $validation | ForEach-Object { [pscustomobject]@{ ReconstructionError = $_.Score; label = $_.label } } | Export-Csv $yesterday
        $validation | ForEach-Object { [pscustomobject]@{ Score = $_.Score; label = $_.label } } | Export-Csv $today
        $old = Import-Csv $yesterday | Find-AEThreshold -LabelProperty label
        $new = Import-Csv $today | Find-AEThreshold -LabelProperty label
        $old.Threshold | Should -Be $new.Threshold
        $old.RocAuc | Should -Be $new.RocAuc
        $old.RowCount | Should -Be $validation.Count
        (Import-Csv $yesterday | Find-AEThreshold -Percentile 95).Threshold | Should -Be (Import-Csv $today | Find-AEThreshold -Percentile 95).Threshold
    }

    It 'names a row whose label it cannot read' {
        $rows = @([pscustomobject]@{ Score = 1; label = 'yes' }, [pscustomobject]@{ Score = 2; label = 'perhaps' }, [pscustomobject]@{ Score = 0.1; label = 'Normal' })
        $t = $rows | Find-AEThreshold -LabelProperty label -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidLabel,PSAnomalyAE.Commands.FindAEThresholdCommand'
        $e[0].Exception.Message | Should -BeLike "Row 2: label is 'perhaps'*"
        $t.RowCount | Should -Be 2
    }

    It 'says so when the labels hold a single class' {
        $err = { $validation | Where-Object label -EQ '0' | Find-AEThreshold -LabelProperty label } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'InvalidArgument,PSAnomalyAE.Commands.FindAEThresholdCommand'
        $err.Exception.Message | Should -BeLike '*needs both normal and anomalous rows*'
    }

    It 'writes the pictures as <_>' -ForEach 'png', 'svg' {
        $path = Join-Path $TestDrive "threshold.$_"
        $t = $validation | Find-AEThreshold -LabelProperty label -Objective MaxFalsePositiveRate 0.01 -PlotPath $path
        $t.PlotPath | Should -Be $path
        (Get-Item $path).Length | Should -BeGreaterThan 10000
        $head = [IO.File]::ReadAllBytes($path)[0..7]
        if ($_ -eq 'png') { $head[1..3] | Should -Be 0x50, 0x4E, 0x47 } else { [Text.Encoding]::ASCII.GetString($head) | Should -BeLike '<*' }
        Export-AEModel -Model $model -Path (Join-Path $TestDrive 'm.aemodel') -Force
    }

    It 'writes no picture with -WhatIf' {
        $path = Join-Path $TestDrive 'whatif.png'
        $null = $validation | Find-AEThreshold -PlotPath $path -WhatIf
        $path | Should -Not -Exist
    }
}
