# Mistakes a user makes once for the whole input (a misspelt column, the wrong kind of object piped in) give one
# terminating error that says what was expected and what was given; a few bad rows among good ones still get an
# error each. Names that match nothing and columns that cannot help get warnings, not silence.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $rows = @(New-MetricRows -Count 200 -Seed 1 | ForEach-Object { $_ | Add-Member -NotePropertyName incident -NotePropertyValue '0' -PassThru })
    $model = $rows | Invoke-AETraining -ExcludeProperty timestamp, incident -Epochs 3 -Seed 1
    $scored = @($rows | Measure-AEReconstructionError -Model $model)
}

Describe 'A systematic mistake gives one error' {
    It 'stops Find-AEThreshold once when -LabelProperty names no column' {
        $err = { $scored | Find-AEThreshold -LabelProperty is_incident -ErrorVariable e } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MissingLabel,PSAnomalyAE.Commands.FindAEThresholdCommand'
        $err.Exception.Message | Should -BeLike "*-LabelProperty 'is_incident' names no property*incident, Score, ReconstructionError*"
        $e | Should -HaveCount 1
    }

    It 'stops Find-AEScoring once when -LabelProperty names no column' {
        $err = { $rows | Find-AEScoring -Model $model -LabelProperty is_incident -ErrorVariable e } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MissingLabel,PSAnomalyAE.Commands.FindAEScoringCommand'
        $err.Exception.Message | Should -BeLike "*-LabelProperty 'is_incident' names no property*incident*"
        $e | Should -HaveCount 1
    }

    It 'stops Find-AEThreshold once when the rows were not scored by Measure-AEReconstructionError' {
        $err = { $rows | Find-AEThreshold -Percentile 99 -ErrorVariable e } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MissingReconstructionError,PSAnomalyAE.Commands.FindAEThresholdCommand'
        $err.Exception.Message | Should -BeLike '*no Score property*cpu_pct*Measure-AEReconstructionError*'
        $e | Should -HaveCount 1
    }

    It 'stops Find-AEThreshold once when a label column holds no labels' {
        $err = { $scored | Find-AEThreshold -LabelProperty host } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'InvalidLabel,PSAnomalyAE.Commands.FindAEThresholdCommand'
        $err.Exception.Message | Should -BeLike "*'host' holds values such as 'web0'*"
    }

    It 'stops with one error when all of fewer rows than the limit fail' {
        $err = { $scored[0..1] | Find-AEThreshold -LabelProperty nope -ErrorVariable e } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike 'The first 2 rows given could not be used*'
        $e | Should -HaveCount 1
    }

    It 'stops Invoke-AETraining once when given lines of text' {
        $lines = $rows | ConvertTo-Csv
        $err = { $lines | Invoke-AETraining -Epochs 1 -ErrorVariable e } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'InputNotARow,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $err.Exception.Message | Should -BeLike '*given String values such as*not rows*ConvertFrom-Csv*'
        $e | Should -HaveCount 1
    }

    It 'stops Invoke-AETraining once when -Property names a column of text' {
        $err = { $rows | Invoke-AETraining -Property cpu_pct, host -Epochs 1 -ErrorVariable e } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'InvalidRowValue,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $err.Exception.Message | Should -BeLike "The first 5 rows could not be read*column 'host' is 'web0', which is not a number*"
        $e | Should -HaveCount 1
    }
}

Describe 'A few bad rows among good ones still get an error each' {
    It 'reports bad values among good errors in Find-AEThreshold, also before the first good one' {
        $t = @('x', 'y', 0.1, 0.2, 'z', 0.3) | Find-AEThreshold -Percentile 50 -ErrorVariable e -ErrorAction SilentlyContinue
        $t.RowCount | Should -Be 3
        $e | Should -HaveCount 3
        $e.Exception.Message | Should -BeLike 'Row [125]: *'
        $e | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'InvalidReconstructionError,PSAnomalyAE.Commands.FindAEThresholdCommand' }
    }

    It 'reports a few plain values among rows in Invoke-AETraining and trains on the rows' {
        $mixed = @('oops') + $rows[0..49] + @(42) + $rows[50..99]
        $m = $mixed | Invoke-AETraining -ExcludeProperty timestamp, incident -Epochs 1 -Seed 1 -ErrorVariable e -ErrorAction SilentlyContinue
        $e | Should -HaveCount 2
        $e | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'InputNotARow,PSAnomalyAE.Commands.InvokeAETrainingCommand' }
        $m.TrainingRows + $m.ValidationRows | Should -Be 100
    }
}

Describe 'Column choices that would otherwise pass in silence' {
    It 'warns about an -ExcludeProperty name that matches no column' {
        $m = $rows | Invoke-AETraining -ExcludeProperty timestamp, incidnt -Epochs 1 -Seed 1 -WarningVariable w -WarningAction SilentlyContinue
        @($w | Where-Object { "$_" -like "-ExcludeProperty 'incidnt' names no column*" }) | Should -HaveCount 1
    }

    It 'warns about a feature column that is the same in every training row' {
        $m = $rows | Invoke-AETraining -ExcludeProperty timestamp -Epochs 1 -Seed 1 -WarningVariable w -WarningAction SilentlyContinue
        $m.FeatureNames | Should -Contain 'incident'
        @($w | Where-Object { "$_" -like "Column 'incident' is '0' in every training row*-ExcludeProperty incident*" }) | Should -HaveCount 1
    }

    It 'expands wildcards in -Property, -ExcludeProperty and -CategoricalProperty' {
        ($rows | Invoke-AETraining -Property '*_pct', 'lat*' -Epochs 1 -Seed 1).FeatureNames | Should -Be 'cpu_pct', 'memory_pct', 'latency_ms'
        ($rows | Invoke-AETraining -ExcludeProperty 'time*', '*_pct', 'inc*' -Epochs 1 -Seed 1 -WarningVariable w).FeatureNames | Should -Be 'requests_per_s', 'latency_ms'
        $w | Should -BeNullOrEmpty
        ($rows | Invoke-AETraining -CategoricalProperty 'ho?t' -ExcludeProperty timestamp, incident -Epochs 1 -Seed 1).CategoricalProperty | Should -Be 'host'
    }

    It 'stops when a -Property pattern matches no column' {
        $err = { $rows | Invoke-AETraining -Property 'disk_*' -Epochs 1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MissingFeatureColumn,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $err.Exception.Message | Should -BeLike "-Property 'disk_*' matches no column*'cpu_pct'*"
    }
}

Describe 'Find-AEThreshold -WhatIf' {
    It 'leaves the model threshold as it was' {
        $m = $rows | Invoke-AETraining -ExcludeProperty timestamp, incident -Epochs 2 -Seed 1
        $before = $m.Threshold
        $t = $scored | Find-AEThreshold -Percentile 50 -Model $m -WhatIf
        $t.Threshold | Should -Not -Be $before
        $m.Threshold | Should -Be $before
    }
}

Describe 'Rows out of time order for a windowed model' {
    BeforeAll {
        $series = @(New-MetricRows -Count 120 -Seed 3)
        $windowed = $series | Invoke-AETraining -WindowSize 4 -TimestampProperty timestamp -ExcludeProperty incident -Epochs 1 -Seed 1
    }

    It 'warns once, naming the first row that goes back in time' {
        $rows = @($series[0..9]) + @($series[5]) + @($series[20..29]) + @($series[3])
        $out = $rows | Test-AEAnomaly -Model $windowed -Threshold 1 -WarningVariable w -WarningAction SilentlyContinue
        $out | Should -HaveCount 22
        $w | Should -HaveCount 1
        "$w" | Should -BeLike "Row 11: timestamp '$($series[5].timestamp)' is earlier than row 10's '$($series[9].timestamp)'*Sort-Object*"
    }

    It 'says nothing for rows in time order, or for a model without windows' {
        $null = $series[0..29] | Measure-AEReconstructionError -Model $windowed -WarningVariable w
        $w | Should -BeNullOrEmpty
        $null = $series[29..0] | Measure-AEReconstructionError -Model $model -WarningVariable w
        $w | Should -BeNullOrEmpty
    }

    It 'remembers the timestamp column in the model file' {
        $path = Join-Path $TestDrive 'windowed.aemodel'
        Export-AEModel -Model $windowed -Path $path
        $null = $series[9..0] | Measure-AEReconstructionError -Model (Import-AEModel $path) -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -HaveCount 1
    }
}
