# Bad input across the cmdlets: each case checks the error's id and category, that the message names the row and
# column, and that the valid rows around the bad one still come out.
BeforeDiscovery {
    $badValues = @(
        @{ Case = 'a word'; Value = 'abc'; Message = "Row 2: column 'cpu_pct' is 'abc', which is not a number*" }
        @{ Case = 'a decimal comma'; Value = '12,5'; Message = "Row 2: column 'cpu_pct' is '12,5', which is not a number*" }
        @{ Case = 'an empty string'; Value = ''; Message = "Row 2: column 'cpu_pct' is empty or missing;*" }
        @{ Case = '$null'; Value = $null; Message = "Row 2: column 'cpu_pct' is empty or missing;*" }
        @{ Case = 'NA'; Value = 'NA'; Message = "Row 2: column 'cpu_pct' is 'NA', which marks a missing value;*" }
        @{ Case = 'NaN'; Value = 'NaN'; Message = "Row 2: column 'cpu_pct' is 'NaN', which marks a missing value;*" }
        @{ Case = 'a NaN double'; Value = [double]::NaN; Message = "Row 2: column 'cpu_pct' is 'NaN', which marks a missing value;*" }
        @{ Case = 'Infinity'; Value = 'Infinity'; Message = "Row 2: column 'cpu_pct' is 'Infinity', which is infinite*" }
        @{ Case = '-Infinity'; Value = [double]::NegativeInfinity; Message = "Row 2: column 'cpu_pct' is '-Infinity', which is infinite*" }
        @{ Case = 'a date'; Value = [datetime]'2026-01-01'; Message = "Row 2: column 'cpu_pct' is '01/01/2026*', which is not a number*" }
        @{ Case = 'a NUL after a digit'; Value = "1`0"; Message = "Row 2: column 'cpu_pct' is '1\u0000', which is not a number*" }
    )
    $scoringCommands = @(
        @{ Command = 'Test-AEAnomaly'; Class = 'TestAEAnomalyCommand' }
        @{ Command = 'Measure-AEReconstructionError'; Class = 'MeasureAEReconstructionErrorCommand' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $train = New-MetricRows -Count 300 -Seed 1
    $model = $train | Invoke-AETraining -Seed 1 -Epochs 10
    function Get-Rows { New-MetricRows -Count 3 -Seed 2 }
}

Describe '<Command> with a bad value' -ForEach $scoringCommands {
    It 'reports <Case> on its row and column, and scores the rows around it' -ForEach $badValues {
        $rows = @(Get-Rows)
        $rows[1].cpu_pct = $Value
        $out = $rows | & $Command -Model $model -ErrorVariable e -ErrorAction SilentlyContinue
        $out.timestamp | Should -Be $rows[0].timestamp, $rows[2].timestamp
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -Be "InvalidRowValue,PSAnomalyAE.Commands.$Class"
        $e[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $e[0].Exception.Message | Should -BeLike $Message
        if ($Message -like '*missing*') { $e[0].ErrorDetails.RecommendedAction | Should -BeLike '*-MissingValue Impute*-MissingValue Skip*' }
        [object]::ReferenceEquals($e[0].TargetObject.PSObject.BaseObject, $rows[1].PSObject.BaseObject) | Should -BeTrue
    }
}

Describe 'Scoring input that is not what the model expects' {
    It 'stops with -ErrorAction Stop at the first bad row' {
        $rows = @(Get-Rows); $rows[1].latency_ms = 'slow'
        { $rows | Test-AEAnomaly -Model $model -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRowValue,PSAnomalyAE.Commands.TestAEAnomalyCommand'
    }

    It 'names a column that a later row lacks, and goes on' {
        $rows = @(Get-Rows)
        $rows[1] = $rows[1] | Select-Object * -ExcludeProperty memory_pct
        $out = $rows | Test-AEAnomaly -Model $model -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -HaveCount 2
        $e[0].FullyQualifiedErrorId | Should -Be 'MissingFeatureColumn,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $e[0].Exception.Message | Should -BeLike "Row 2: column 'memory_pct' is missing*"
    }

    It 'stops with one error listing every feature the first row lacks' {
        $err = { Get-Rows | Select-Object timestamp, cpu_pct | Test-AEAnomaly -Model $model } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MissingFeatureColumn,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -BeLike "*no columns 'requests_per_s', 'memory_pct', 'latency_ms'*"
    }

    It 'says what a row must be when given <Case>' -ForEach @(@{ Case = 'a string'; Value = 'a string' }, @{ Case = 'a number'; Value = 42 }, @{ Case = '$null'; Value = $null }) {
        $rows = @(Get-Rows)
        $out = @($rows[0], $Value, $rows[1]) | Test-AEAnomaly -Model $model -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -HaveCount 2
        $e[0].FullyQualifiedErrorId | Should -Be 'InputNotARow,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $e[0].CategoryInfo.Category | Should -Be 'InvalidType'
        $e[0].Exception.Message | Should -BeLike 'Row 2 is *, not a row. Expected an object with one property per column*'
    }

    It 'scores hashtables and passes extra properties through untouched' {
        $h = Get-Rows | ForEach-Object { $t = @{}; $_.PSObject.Properties | ForEach-Object { $t[$_.Name] = $_.Value }; $t['note'] = 'keep'; $t }
        $out = $h | Test-AEAnomaly -Model $model
        $out | Should -HaveCount 3
        $out[0].note | Should -Be 'keep'
        $out.Score | Should -Be (Get-Rows | Test-AEAnomaly -Model $model).Score
    }

    It 'skips rows with missing values under -MissingValue Skip and says how many' {
        $rows = @(Get-Rows); $rows[1].cpu_pct = ''
        $out = $rows | Test-AEAnomaly -Model $model -MissingValue Skip -WarningVariable w -WarningAction SilentlyContinue -ErrorVariable e
        $out | Should -HaveCount 2
        $e | Should -BeNullOrEmpty
        "$w" | Should -Be 'Skipped 1 row(s) with missing values.'
    }

    It 'fills missing values with the training means under -MissingValue Impute' {
        $rows = @(Get-Rows); $rows[1].cpu_pct = 'NA'
        $out = $rows | Test-AEAnomaly -Model $model -Top 4 -MissingValue Impute -WarningVariable w -WarningAction SilentlyContinue
        $out | Should -HaveCount 3
        $mean = ($train.cpu_pct | ForEach-Object { [double]$_ } | Measure-Object -Average).Average
        [math]::Abs($out[1].TopFeatures.Where({ $_.Feature -eq 'cpu_pct' })[0].Value - $mean) | Should -BeLessThan 1e-9
        "$w" | Should -Be 'Imputed 1 missing value(s) in 1 row(s) with the training means.'
    }

    It 'needs a threshold' {
        $m = New-AEModel -ValidationFraction 0 -Epochs 1
        $null = $train | Invoke-AETraining -Model $m
        $err = { Get-Rows | Test-AEAnomaly -Model $m } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'NoThreshold,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidOperation'
    }
}

Describe '<Command> with a score that is not a finite number' -ForEach $scoringCommands {
    It 'reports a row of 1e308 values as an error for that row, and scores the rows around it' {
        $rows = @(Get-Rows)
        foreach ($column in 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms') { $rows[1].$column = '1e308' }
        $out = $rows | & $Command -Model $model -ErrorVariable e -ErrorAction SilentlyContinue
        $out.timestamp | Should -Be $rows[0].timestamp, $rows[2].timestamp
        $out.Score | ForEach-Object { [double]::IsFinite($_) | Should -BeTrue }
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -Be "NonFiniteScore,PSAnomalyAE.Commands.$Class"
        $e[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        $e[0].Exception.Message | Should -BeLike 'Row 2: the model produced a score that is not a finite number*far outside*'
        [object]::ReferenceEquals($e[0].TargetObject.PSObject.BaseObject, $rows[1].PSObject.BaseObject) | Should -BeTrue
    }

    It 'stops with one error when the score of every row is not a finite number' -ForEach @(@{ Count = 2 }, @{ Count = 40 }) {
        $rows = @(New-MetricRows -Count $Count -Seed 2)
        foreach ($row in $rows) { $row.memory_pct = '-1e308' }
        $written = [Collections.Generic.List[object]]::new()
        $err = $null
        try { $rows | & $Command -Model $model -ErrorVariable e -ErrorAction SilentlyContinue | ForEach-Object { $written.Add($_) } } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be "NonFiniteScore,PSAnomalyAE.Commands.$Class"
        $err.CategoryInfo.Category | Should -Be 'InvalidResult'
        $err.Exception.Message | Should -BeLike "The model produced a score that is not a finite number for * it scored, so scoring stopped*Row 1:*"
        $written | Should -HaveCount 0
        # One error for them all: no error per row was written before it.
        $e | Where-Object { $_.FullyQualifiedErrorId -like 'NonFiniteScore*' -and $_ -ne $err } | Should -BeNullOrEmpty
    }
}

Describe 'A windowed model and scores that are not finite numbers' {
    BeforeAll {
        $windowed = New-MetricRows -Count 300 -Seed 1 | Invoke-AETraining -Model (New-AEModel -Architecture Convolutional -WindowSize 4 -Epochs 3 -Seed 1) -Seed 1
        $null = New-MetricRows -Count 100 -Seed 3 | Measure-AEReconstructionError -Model $windowed | Find-AEThreshold -Model $windowed -Percentile 99
    }

    It 'still says "No score yet" for the first rows, and reports the rows whose window holds a 1e308 row' {
        $rows = @(New-MetricRows -Count 12 -Seed 2)
        $rows[6].latency_ms = '1e308'
        $out = @($rows | Test-AEAnomaly -Model $windowed -ErrorVariable e -ErrorAction SilentlyContinue)
        $out.timestamp | Should -Be ($rows[0..5] + $rows[10..11]).timestamp
        $out[0..2] | ForEach-Object { $_.Score | Should -BeNullOrEmpty; $_.Anomaly | Should -BeNullOrEmpty; $_.Reason | Should -Be 'No score yet: the model reads windows of 4 rows.' }
        $out[3..7] | ForEach-Object { $_.Score | Should -BeOfType [double]; $_.Anomaly | Should -BeOfType [bool] }
        $e.FullyQualifiedErrorId | Should -Be (@('NonFiniteScore,PSAnomalyAE.Commands.TestAEAnomalyCommand') * 4)
        $e.Exception.Message | ForEach-Object { $_ } | Should -BeLike 'Row *: the model produced a score that is not a finite number*'
        $e | ForEach-Object { $_.Exception.RowNumber } | Should -Be 7, 8, 9, 10
    }
}

Describe 'Invoke-AETraining with bad input' {
    It 'skips a bad row with an error naming it and trains on the others' {
        $rows = @(New-MetricRows -Count 50 -Seed 3); $rows[9].memory_pct = 'lots'
        $m = $rows | Invoke-AETraining -Epochs 1 -Seed 1 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidRowValue,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $e[0].Exception.Message | Should -BeLike "Row 10: column 'memory_pct' is 'lots'*"
        $m.TrainingRows + $m.ValidationRows | Should -Be 49
    }

    It 'imputes missing values with -MissingValue Impute and says how many' {
        $rows = @(New-MetricRows -Count 50 -Seed 3); $rows[3].cpu_pct = ''; $rows[4].cpu_pct = $null
        $m = $rows | Invoke-AETraining -Epochs 1 -Seed 1 -MissingValue Impute -WarningVariable w -WarningAction SilentlyContinue
        $m.TrainingRows + $m.ValidationRows | Should -Be 50
        "$w" | Should -Be 'Imputed 2 missing value(s) in 2 row(s) with the column means of the training rows.'
    }

    It 'says so when no column is numeric' {
        $err = { 1..5 | ForEach-Object { [pscustomobject]@{ host = "web$_"; state = 'up' } } | Invoke-AETraining } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'InvalidArgument,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $err.Exception.Message | Should -BeLike "No numeric columns were found among 'host', 'state'*"
    }

    It 'names a -Property column that does not exist' {
        $err = { New-MetricRows -Count 5 | Invoke-AETraining -Property cpu_pct, disk_pct } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MissingFeatureColumn,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $err.Exception.Message | Should -BeLike "The input has no column 'disk_pct'*"
    }

    It 'trains on <_> row(s) without NaN' -ForEach 2, 5 {
        $m = New-MetricRows -Count $_ -Seed 4 | Invoke-AETraining -Epochs 3 -Seed 1 -BatchSize 64
        $m.IsTrained | Should -BeTrue
        $m.History.TrainLoss | ForEach-Object { [double]::IsFinite($_) | Should -BeTrue }
        (New-MetricRows -Count 2 -Seed 5 | Measure-AEReconstructionError -Model $m).Score |
            ForEach-Object { [double]::IsFinite($_) | Should -BeTrue }
    }

    It 'trains on constant columns without NaN' {
        $m = 1..40 | ForEach-Object { [pscustomobject]@{ a = 5; b = $_; c = 2 * $_ } } | Invoke-AETraining -Epochs 3 -Seed 1
        ([pscustomobject]@{ a = 5; b = 3; c = 6 } | Measure-AEReconstructionError -Model $m).Score |
            ForEach-Object { [double]::IsFinite($_) | Should -BeTrue }
    }

    It 'stops with an error that suggests a lower learning rate when the loss diverges' {
        $rows = @(New-MetricRows -Count 100 -Seed 6); $rows[0].cpu_pct = '1e30'
        $err = { $rows | Invoke-AETraining -Scaling None -LearningRate 1 -Epochs 5 -Seed 1 } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'TrainingDiverged,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $err.CategoryInfo.Category | Should -Be 'InvalidResult'
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*Lower -LearningRate*'
    }
}

Describe 'Find-AEThreshold with bad input' {
    It 'reports <Case> and uses the other rows' -ForEach @(
        @{ Case = 'a negative score'; Row = [pscustomobject]@{ Score = -1 }; Id = 'InvalidReconstructionError' }
        @{ Case = 'a word'; Row = [pscustomobject]@{ Score = 'high' }; Id = 'InvalidReconstructionError' }
        @{ Case = 'no Score'; Row = [pscustomobject]@{ error = 1 }; Id = 'MissingReconstructionError' }
    ) {
        $t = @(0.1, $Row, 0.3) | Find-AEThreshold -Percentile 50 -ErrorVariable e -ErrorAction SilentlyContinue
        $t.RowCount | Should -Be 2
        $e[0].FullyQualifiedErrorId | Should -Be "$Id,PSAnomalyAE.Commands.FindAEThresholdCommand"
        $e[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $e[0].Exception.Message | Should -BeLike 'Row 2*'
    }

    It 'fails clearly with no errors at all' {
        { @() | Find-AEThreshold } | Should -Throw -ErrorId 'NotEnoughData,PSAnomalyAE.Commands.FindAEThresholdCommand'
    }
}

Describe 'Model files that are not what they should be' {
    BeforeAll {
        $good = Join-Path $TestDrive 'good.aemodel'
        Export-AEModel -Model $model -Path $good
        $bytes = [IO.File]::ReadAllBytes($good)
    }

    It 'reports a file truncated at <_> bytes as damaged' -ForEach 0, 7, 16, 100, 1000, -33, -1 {
        $cut = if ($_ -lt 0) { $bytes.Length + $_ } else { $_ }
        $path = Join-Path $TestDrive "cut$cut.aemodel"
        [IO.File]::WriteAllBytes($path, [byte[]]($cut -gt 0 ? $bytes[0..($cut - 1)] : @()))
        $e = { Import-AEModel -LiteralPath $path } | Should -Throw -ErrorId 'InvalidModelFile,PSAnomalyAE.Commands.ImportAEModelCommand' -PassThru
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception.Message | Should -BeLike "*not a PSAnomalyAE model file, or it is damaged*"
    }

    It 'catches a flipped byte at <_>' -ForEach 12, 40, 0.5, -40, -5 {
        $copy = [byte[]]$bytes.Clone()
        $at = if ($_ -lt 0) { $copy.Length + $_ } elseif ($_ -lt 1) { [int]($copy.Length * $_) } else { $_ }
        $copy[$at] = $copy[$at] -bxor 0x01
        $path = Join-Path $TestDrive "flip$at.aemodel"
        [IO.File]::WriteAllBytes($path, $copy)
        { Import-AEModel -LiteralPath $path } | Should -Throw -ErrorId 'InvalidModelFile,PSAnomalyAE.Commands.ImportAEModelCommand'
    }

    It 'says when a file is from a newer format version' {
        $copy = [byte[]]$bytes.Clone(); $copy[8] = 9
        $path = Join-Path $TestDrive 'newer.aemodel'
        [IO.File]::WriteAllBytes($path, $copy)
        $e = { Import-AEModel -LiteralPath $path } | Should -Throw -ErrorId 'NewerModelFormat,PSAnomalyAE.Commands.ImportAEModelCommand' -PassThru
        $e.Exception.Message | Should -BeLike '*format version 9*'
    }

    It 'refuses a folder that does not exist, a folder as the file, and a non-file-system path' {
        { Export-AEModel -Model $model -Path (Join-Path $TestDrive 'nope/m.aemodel') } | Should -Throw -ErrorId 'FolderNotFound,PSAnomalyAE.Commands.ExportAEModelCommand'
        { Export-AEModel -Model $model -Path $TestDrive } | Should -Throw -ErrorId 'PathIsDirectory,PSAnomalyAE.Commands.ExportAEModelCommand'
        { Export-AEModel -Model $model -Path 'Env:/model' } | Should -Throw -ErrorId 'UnsupportedProvider,PSAnomalyAE.Commands.ExportAEModelCommand'
    }
}
