# Comma-decimal locales: rows written with "12,5" are read with -Culture; the same mistake on every row is one
# error that says what to do; scores that Export-Csv writes under de-DE are read back by Find-AEThreshold; and a
# ';'-delimited file read as one column says to use -Delimiter.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $rows = @(New-MetricRows -Count 300 -Seed 1)
    $model = $rows | Invoke-AETraining -Epochs 5 -Seed 1
    $features = 'cpu_pct', 'requests_per_s', 'memory_pct', 'latency_ms'
    function ConvertTo-CommaDecimal([object[]] $Rows) {
        foreach ($r in $Rows) {
            $c = $r.PSObject.Copy()
            foreach ($f in $features) { $c.$f = $c.$f -replace '\.', ',' }
            $c
        }
    }
    $comma = @(ConvertTo-CommaDecimal $rows[0..99])
    $expected = @(($rows[0..99] | Test-AEAnomaly -Model $model).Score)
}

Describe 'Numbers with a comma for decimals' {
    It 'stop scoring with one error that names the column and suggests -Culture, not one error per row' {
        $err = $null
        try { $comma | Test-AEAnomaly -Model $model -ErrorVariable all -ErrorAction SilentlyContinue } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'InvalidRowValue,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $err.Exception.Message | Should -BeLike "The first 5 rows could not be read*column 'cpu_pct' is '*,*'*-Culture de-DE*"
        $err.ErrorDetails.RecommendedAction | Should -BeLike 'Add -Culture *'
        @($all).Count | Should -Be 1
    }

    It 'are read with -Culture de-DE, piped in or from -Path, and score as the same rows written with a dot' {
        @(($comma | Test-AEAnomaly -Model $model -Culture de-DE).Score) | Should -Be $expected
        $file = Join-Path $TestDrive 'comma.csv'
        $comma | Export-Csv -LiteralPath $file    # every value quoted, so "35,387" stays one cell
        @((Measure-AEReconstructionError -Model $model -Path $file -Culture de-DE).Score) | Should -Be $expected
    }

    It 'train with -Culture de-DE, and without it the error says why no column is numeric' {
        $trained = $comma | Invoke-AETraining -Epochs 2 -Seed 1 -Culture de-DE
        $trained.FeatureNames | Should -Be $features
        $err = { $comma | Invoke-AETraining -Epochs 2 -Seed 1 -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike "No numeric columns were found*Column 'cpu_pct' holds '*,*'*comma for decimals*-Culture de-DE*"
    }

    It 'train from a -Path file with -Culture de-DE as from the same rows piped in, and without it say why' {
        $file = Join-Path $TestDrive 'train-comma.csv'
        $comma | Export-Csv -LiteralPath $file
        $piped = $comma | Invoke-AETraining -Epochs 2 -Seed 1 -Culture de-DE
        $fromFile = Invoke-AETraining -Path $file -Epochs 2 -Seed 1 -Culture de-DE
        @(($comma | Test-AEAnomaly -Model $fromFile -Culture de-DE).Score) | Should -Be @(($comma | Test-AEAnomaly -Model $piped -Culture de-DE).Score)
        $err = { Invoke-AETraining -Path $file -Epochs 2 -Seed 1 -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike "No numeric columns were found*Column 'cpu_pct' holds '*,*'*comma for decimals*-Culture de-DE*"
    }

    It 'left out of the features when other columns are numbers, each get a warning that names -Culture' {
        $mixed = @($comma | ForEach-Object { $_.PSObject.Copy() } | ForEach-Object { $_.requests_per_s = [string][int]($_.requests_per_s -replace ',.*'); $_ })
        $trained = $mixed | Invoke-AETraining -Epochs 2 -Seed 1 -WarningVariable warned -WarningAction SilentlyContinue
        $trained.FeatureNames | Should -Be 'requests_per_s'
        @($warned.Message -like "Column '*' is not a feature: its values, such as '*,*', have a comma for decimals. Add -Culture*") | Should -HaveCount 3
    }
}

Describe 'Scores written under de-DE' {
    It 'are read back by Find-AEThreshold, from Export-Csv and Import-Csv, as the same threshold' {
        $file = Join-Path $TestDrive 'scores.csv'
        $invariant = ($rows | Measure-AEReconstructionError -Model $model | Find-AEThreshold -Percentile 99).Threshold
        $saved = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = [cultureinfo]'de-DE'
            $rows | Measure-AEReconstructionError -Model $model | Select-Object Score | Export-Csv -LiteralPath $file
            (Get-Content -LiteralPath $file)[1] | Should -Match '^"\d+,\d+"$'
            $threshold = Import-Csv -LiteralPath $file | Find-AEThreshold -Percentile 99
        }
        finally {
            [cultureinfo]::CurrentCulture = $saved
        }
        $threshold.Threshold | Should -Be $invariant
        (Import-Csv -LiteralPath $file | Find-AEThreshold -Percentile 99 -Culture de-DE).Threshold | Should -Be $invariant
    }
}

Describe 'A file with another delimiter' {
    It 'read as one column says to use -Delimiter' {
        $file = Join-Path $TestDrive 'semicolon.csv'
        $rows[0..9] | Export-Csv -LiteralPath $file -Delimiter ';'
        $err = { Import-Csv -LiteralPath $file | Test-AEAnomaly -Model $model -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike "*The input has one column, 'timestamp;*': the file is likely delimited by ';'*Import-Csv -Delimiter "";""*"
        $err = { Import-Csv -LiteralPath $file | Invoke-AETraining -Epochs 2 -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike "*likely delimited by ';'*"
    }
}
