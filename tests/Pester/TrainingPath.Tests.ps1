# Invoke-AETraining -Path and Find-AELatentSize -Path read a CSV file themselves. The model must be the one
# Import-Csv <file> | Invoke-AETraining trains with the same seed: the same columns, encoding and scores, row for row.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    function Get-Scores($Model, [string] $Csv) {
        (Test-AEAnomaly -LiteralPath $Csv -Model $Model -MissingValue Impute -ErrorAction SilentlyContinue -WarningAction SilentlyContinue).Score
    }

    function Get-Pair([string] $Csv, [hashtable] $Parameters) {
        $p = @{ Seed = 7; Epochs = 3 } + $Parameters
        $pipe = Import-Csv -LiteralPath $Csv | Invoke-AETraining @p -ErrorVariable pe -ErrorAction SilentlyContinue -WarningVariable pw -WarningAction SilentlyContinue
        $file = Invoke-AETraining @p -LiteralPath $Csv -ErrorVariable fe -ErrorAction SilentlyContinue -WarningVariable fw -WarningAction SilentlyContinue
        [pscustomobject]@{ Pipe = $pipe; File = $file; PipeErrors = @($pe); FileErrors = @($fe); PipeWarnings = @($pw); FileWarnings = @($fw) }
    }

    # 300 rows, one with a value that is not a number and one with an empty cell; a text column and a constant one.
    $rows = @(New-MetricRows -Count 300 -Seed 5)
    $rows | Add-Member -NotePropertyName zone -NotePropertyValue 'eu'
    $rows[17].latency_ms = 'n/a?'
    $rows[90].memory_pct = ''
    $csv = Join-Path $TestDrive 'normal.csv'
    $rows | Export-Csv -LiteralPath $csv
}

Describe 'Training from a CSV file with -Path' {
    It 'trains the model of Import-Csv | Invoke-AETraining, with <Case>' -ForEach @(
        @{ Case = 'the columns chosen by their values'; Parameters = @{ MissingValue = 'Impute' } }
        @{ Case = 'a categorical column and rows with missing values left out'; Parameters = @{ CategoricalProperty = 'h*'; MissingValue = 'Skip' } }
        @{ Case = 'named columns, windows in time order'; Parameters = @{ Property = 'cpu_pct', 'memory_pct', 'latency_ms'; WindowSize = 3; TimestampProperty = 'timestamp'; MissingValue = 'Impute' } }
    ) {
        $r = Get-Pair $csv $Parameters
        $r.File.FeatureNames | Should -Be $r.Pipe.FeatureNames
        $pipeFile = Join-Path $TestDrive 'pipe.aemodel'
        $fileFile = Join-Path $TestDrive 'file.aemodel'
        $r.Pipe | Export-AEModel -Path $pipeFile -Force
        $r.File | Export-AEModel -Path $fileFile -Force
        $scored = Join-Path $TestDrive 'scored.csv'
        $rows | Select-Object -Skip 20 | Export-Csv -LiteralPath $scored
        $pipeScores = Get-Scores (Import-AEModel $pipeFile) $scored
        $fileScores = Get-Scores (Import-AEModel $fileFile) $scored
        $pipeScores.Count | Should -BeGreaterThan 270
        $fileScores | Should -HaveCount $pipeScores.Count
        for ($i = 0; $i -lt $pipeScores.Count; $i++) {
            if ([double]::IsNaN($pipeScores[$i])) { [double]::IsNaN($fileScores[$i]) | Should -BeTrue; continue }
            $fileScores[$i] | Should -BeExactly $pipeScores[$i] -Because "row $($i + 1)"
        }
        $r.File.Threshold | Should -Be $r.Pipe.Threshold
        $r.FileWarnings.Message | Should -Be $r.PipeWarnings.Message
        $r.FileErrors.Exception.Message | Should -Be $r.PipeErrors.Exception.Message
    }

    It 'reports a bad value with its row and column, as the pipeline does' {
        $r = Get-Pair $csv @{}
        $r.FileErrors | Should -HaveCount 2
        $r.FileErrors[0].Exception.Message | Should -BeLike "Row 18: column 'latency_ms' is 'n/a?'*"
        $r.FileErrors[0].TargetObject | Should -Be $csv
    }

    It 'continues training a model from a file' {
        $model = Invoke-AETraining -LiteralPath $csv -Seed 1 -Epochs 2 -MissingValue Impute -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $more = Invoke-AETraining -Model $model -Continue -LiteralPath $csv -Epochs 1 -MissingValue Impute -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $more.FeatureNames | Should -Be $model.FeatureNames
    }

    It 'stops with one error when the file does not exist, has no rows or lacks a column named' {
        { Invoke-AETraining -Path (Join-Path $TestDrive 'none*.csv') -ErrorAction Stop } | Should -Throw -ErrorId 'OneTrainingFile,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        { Invoke-AETraining -LiteralPath (Join-Path $TestDrive 'none.csv') -ErrorAction Stop } | Should -Throw
        $other = Join-Path $TestDrive 'other.csv'
        'a,b', '1,2', '3,4' | Set-Content -LiteralPath $other
        { Invoke-AETraining -LiteralPath $other -Property cpu_pct -ErrorAction Stop } | Should -Throw "*no column 'cpu_pct'*"
        $empty = Join-Path $TestDrive 'empty.csv'
        'a,b' | Set-Content -LiteralPath $empty
        { Invoke-AETraining -LiteralPath $empty -ErrorAction Stop } | Should -Throw "*has no rows to train on*"
    }

    It 'still sees a column that only later rows of the pipeline have' {
        $rnd = [Random]::new(2)
        $mixed = @(1..40 | ForEach-Object { [pscustomobject]@{ a = $rnd.NextDouble(); b = $rnd.NextDouble() } }) +
            @(1..40 | ForEach-Object { [pscustomobject]@{ a = $rnd.NextDouble(); b = $rnd.NextDouble(); c = $rnd.NextDouble() } })
        { $mixed | Invoke-AETraining -Epochs 1 -Seed 1 -ErrorAction Stop } | Should -Throw "*column 'c' is missing*"
        ($mixed | Invoke-AETraining -Epochs 1 -Seed 1 -ExcludeProperty c).FeatureNames | Should -Be 'a', 'b'
    }

    It 'chooses the latent size from a file as from the pipeline' {
        $p = @{ LatentSize = 1, 2; Folds = 2; Epochs = 2; Seed = 3; MissingValue = 'Impute' }
        $pipe = Import-Csv -LiteralPath $csv | Find-AELatentSize @p -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $file = Find-AELatentSize @p -LiteralPath $csv -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $file.MeanError | Should -Be $pipe.MeanError
    }
}
