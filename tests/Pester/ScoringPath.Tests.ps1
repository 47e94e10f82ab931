# -Path and -LiteralPath: the scoring cmdlets read CSV files themselves. What they give must be what
# Import-Csv | <cmdlet> gives for the same file: the same rows, scores, flags and error messages.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $train = New-MetricRows -Count 400 -Seed 1
    $model = $train | Invoke-AETraining -Seed 1 -Epochs 20 -LatentSize 2
    $windowed = $train | Invoke-AETraining -WindowSize 4 -TimestampProperty timestamp -Seed 1 -Epochs 5

    # 300 rows with two incidents and one bad value, as a CSV file written by Export-Csv (quoted fields).
    $rows = @(New-MetricRows -Count 300 -Seed 3 -Start 400)
    $rows[40].cpu_pct = '97'
    $rows[200].requests_per_s = '5'
    $rows[120].latency_ms = 'n/a?'
    $csv = Join-Path $TestDrive 'today.csv'
    $rows | Export-Csv -LiteralPath $csv

    function Get-Both([string] $Command, [hashtable] $Parameters) {
        $p = @{} + $Parameters
        $pipe = Import-Csv -LiteralPath $csv | & $Command @p -ErrorVariable pe -ErrorAction SilentlyContinue
        $file = & $Command @p -LiteralPath $csv -ErrorVariable fe -ErrorAction SilentlyContinue
        [pscustomobject]@{ Pipe = @($pipe); File = @($file); PipeErrors = @($pe); FileErrors = @($fe) }
    }
}

Describe 'Scoring a CSV file with -Path' {
    It 'gives <Command> the scores of Import-Csv | <Command>, with <Case>' -ForEach @(
        @{ Command = 'Test-AEAnomaly'; Case = 'a dense model'; Window = $false; Property = 'ScoreToThreshold' }
        @{ Command = 'Test-AEAnomaly'; Case = 'a windowed model'; Window = $true; Property = 'ScoreToThreshold' }
        @{ Command = 'Measure-AEReconstructionError'; Case = 'a windowed model'; Window = $true; Property = 'ReconstructionError' }
    ) {
        $m = $Window ? $windowed : $model
        $parameters = @{ Model = $m; BatchSize = 64 }
        if ($Command -eq 'Test-AEAnomaly') { $parameters.Threshold = 0.5 }
        $r = Get-Both $Command $parameters

        $r.File | Should -HaveCount 299
        $r.File.timestamp | Should -Be $r.Pipe.timestamp
        $r.File.Score | Should -Be $r.Pipe.Score
        $r.File.$Property | Should -Be $r.Pipe.$Property
        if ($Command -eq 'Test-AEAnomaly') {
            $r.File.Anomaly | Should -Be $r.Pipe.Anomaly
            $r.File.Reason | Should -Be $r.Pipe.Reason
        }
        # every original column, as the strings Import-Csv gives
        $r.File[0].PSObject.Properties.Name | Should -Be $r.Pipe[0].PSObject.Properties.Name
        $r.File[5].cpu_pct | Should -BeExactly $r.Pipe[5].cpu_pct

        # the bad row: the same message, naming the row (data rows from 1) and the column
        $r.FileErrors | Should -HaveCount 1
        $r.FileErrors[0].Exception.Message | Should -BeExactly $r.PipeErrors[0].Exception.Message
        $r.FileErrors[0].Exception.Message | Should -BeLike "Row 121: column 'latency_ms' is 'n/a?', which is not a number*"
        $r.FileErrors[0].FullyQualifiedErrorId | Should -Be $r.PipeErrors[0].FullyQualifiedErrorId
    }

    It 'writes only the flagged rows, with every column, with -AnomaliesOnly' {
        $all = Import-Csv -LiteralPath $csv | Test-AEAnomaly -Model $windowed -Threshold 0.5 -ErrorAction SilentlyContinue
        $flagged = Test-AEAnomaly -Model $windowed -Threshold 0.5 -Path $csv -AnomaliesOnly -ErrorAction SilentlyContinue
        $expected = @($all | Where-Object Anomaly)
        $expected.Count | Should -BeGreaterThan 0
        $flagged.timestamp | Should -Be $expected.timestamp
        $flagged.ScoreToThreshold | Should -Be $expected.ScoreToThreshold
        $flagged[0].PSObject.Properties.Name | Should -Be $expected[0].PSObject.Properties.Name
    }

    It 'reads quoted fields and blank lines as Import-Csv does' {
        $odd = Join-Path $TestDrive 'odd.csv'
        $lines = @('note,cpu_pct,requests_per_s,memory_pct,latency_ms,host,timestamp')
        $i = 0
        foreach ($r in $rows[0..9]) {
            $lines += '"say ""hi"", {0}",{1},{2},"{3}",{4},{5},{6}' -f $i++, $r.cpu_pct, $r.requests_per_s, $r.memory_pct, $r.latency_ms, $r.host, $r.timestamp
            $lines += ''
        }
        Set-Content -LiteralPath $odd -Value $lines
        $pipe = Import-Csv -LiteralPath $odd | Test-AEAnomaly -Model $model
        $file = Test-AEAnomaly -Model $model -Path $odd
        $file.note | Should -BeExactly $pipe.note
        $file.Score | Should -Be $pipe.Score
    }

    It 'stops with one error listing every feature the file lacks' {
        $narrow = Join-Path $TestDrive 'narrow.csv'
        $rows | Select-Object timestamp, cpu_pct | Export-Csv -LiteralPath $narrow
        $err = { Test-AEAnomaly -Model $model -Path $narrow } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MissingFeatureColumn,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $err.Exception.Message | Should -BeLike "*no columns 'requests_per_s', 'memory_pct', 'latency_ms'*"
    }

    It 'reports a last line cut short (no line break, too few fields) as an error for that row, and keeps a whole last line' {
        $lines = Get-Content -LiteralPath $csv -TotalCount 11
        $cut = Join-Path $TestDrive 'cut.csv'
        [IO.File]::WriteAllText($cut, ($lines[0..9] -join "`n") + "`n" + $lines[10].Substring(0, 30))
        $out = Test-AEAnomaly -Model $model -Path $cut -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -HaveCount 9
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidRowValue,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $e[0].Exception.Message | Should -BeLike 'Row 10: the file ended in the middle of this row*'

        $whole = Join-Path $TestDrive 'whole.csv'
        [IO.File]::WriteAllText($whole, ($lines -join "`n"))
        $out = Test-AEAnomaly -Model $model -Path $whole -ErrorVariable e
        $out | Should -HaveCount 10
        $e | Should -HaveCount 0
    }

    It 'reports a NUL in a cell as a value that is not a number, shown escaped' {
        $nul = Join-Path $TestDrive 'nul.csv'
        $lines = Get-Content -LiteralPath $csv -TotalCount 4
        $lines[2] = $lines[2] -replace '^("[^"]*","[^"]*",)"[^"]*"', ('$1"1' + [char]0 + '"')
        [IO.File]::WriteAllLines($nul, $lines)
        $out = Measure-AEReconstructionError -Model $model -Path $nul -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -HaveCount 2
        $e | Should -HaveCount 1
        $e[0].FullyQualifiedErrorId | Should -Be 'InvalidRowValue,PSAnomalyAE.Commands.MeasureAEReconstructionErrorCommand'
        $e[0].Exception.Message | Should -BeLike "Row 2: column 'cpu_pct' is '1\u0000', which is not a number*"
    }

    It 'reports a file that does not exist and scores the others' {
        $out = Measure-AEReconstructionError -Model $model -Path (Join-Path $TestDrive 'none.csv'), $csv -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -HaveCount 299
        $e[0].FullyQualifiedErrorId | Should -Be 'FileNotFound,PSAnomalyAE.Commands.MeasureAEReconstructionErrorCommand'
    }
}

Describe 'A failure in the middle of a file scan' {
    BeforeAll {
        # 59,800 rows; the model that scores them is disposed (through its engine, as its owner would) after the
        # 250th row is written, so the next batch scored fails inside the engine. Batches are scored on every core
        # ahead of the one being written, so those scored before the model went away may still be written, whole.
        $big = Join-Path $TestDrive 'big.csv'
        $lines = Get-Content -LiteralPath $csv
        Set-Content -LiteralPath $big -Value (@($lines[0]) + @(1..200 | ForEach-Object { $lines[1..120] + $lines[122..300] }))
        $getEngine = { param($m) $m.GetType().GetProperty('Engine', [Reflection.BindingFlags]'NonPublic, Instance').GetValue($m) }
    }

    It 'stops the command with an error that says how many rows were written' {
        $victim = $train | Invoke-AETraining -Seed 2 -Epochs 5 -LatentSize 2
        $engine = & $getEngine $victim
        $written = [Collections.Generic.List[object]]::new()
        $err = {
            Measure-AEReconstructionError -Model $victim -Path $big -BatchSize 100 |
                ForEach-Object { $written.Add($_); if ($written.Count -eq 250) { $engine.Dispose() } }
        } | Should -Throw -PassThru

        $err.FullyQualifiedErrorId | Should -Be 'ScoringFailed,PSAnomalyAE.Commands.MeasureAEReconstructionErrorCommand'
        # The batch being written when the model went away is finished, and any scored before it; no more.
        $written.Count | Should -BeGreaterOrEqual 300
        $written.Count % 100 | Should -Be 0
        $written.Count | Should -BeLessOrEqual (300 + 100 * ([Environment]::ProcessorCount + 1))
        $err.Exception.Message | Should -BeLike "Scoring stopped in '*big.csv' (rows up to * read): The model has not been trained yet. $($written.Count) rows had been written and $($written.Count) scored before it; the output is incomplete."
        $err.ErrorDetails.RecommendedAction | Should -BeLike 'Train it first*'
    }

    It 'stops with an error when the file is cut short while it is read, not quietly at the cut' {
        $shrinking = Join-Path $TestDrive 'shrinking.csv'
        Copy-Item -LiteralPath $big -Destination $shrinking
        $half = (Get-Item -LiteralPath $shrinking).Length / 2
        $written = [Collections.Generic.List[object]]::new()
        $err = $null
        try {
            Measure-AEReconstructionError -Model $model -Path $shrinking -BatchSize 100 -ErrorVariable e -ErrorAction SilentlyContinue |
                ForEach-Object {
                    $written.Add($_)
                    if ($written.Count -eq 250) {
                        $file = [IO.FileStream]::new($shrinking, 'Open', 'Write', 'ReadWrite')
                        try { $file.SetLength([long]$half + 5) } finally { $file.Dispose() }
                    }
                }
        }
        catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'FileReadFailed,PSAnomalyAE.Commands.MeasureAEReconstructionErrorCommand'
        $err.Exception.Message | Should -BeLike "*shrinking.csv' changed while it was being read*rows were read*"
        $written.Count | Should -BeLessThan 59000
    }

    It 'makes a scheduled job''s pwsh -Command exit non-zero, with the rows written so far in the file' {
        $victim = $train | Invoke-AETraining -Seed 2 -Epochs 5 -LatentSize 2
        $modelFile = Join-Path $TestDrive 'victim.aemodel'
        Export-AEModel -Model $victim -Path $modelFile -Force
        $alerts = Join-Path $TestDrive 'alerts.csv'
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        $script = @"
Import-Module '$ModuleManifest'
`$m = Import-AEModel '$modelFile'
`$engine = `$m.GetType().GetProperty('Engine', [Reflection.BindingFlags]'NonPublic, Instance').GetValue(`$m)
`$n = 0
Test-AEAnomaly -Model `$m -Path '$big' -BatchSize 100 -Threshold 0 -AnomaliesOnly | ForEach-Object { if (++`$n -eq 250) { `$engine.Dispose() }; `$_ } | Export-Csv '$alerts'
"@
        $output = & $pwsh -NoProfile -NonInteractive -Command $script 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        ($output | Out-String) -match '([\d,]+) rows had been written.*the output is incomplete' | Should -BeTrue
        $said = [int]($Matches[1] -replace ',')
        $said | Should -BeGreaterOrEqual 300
        @(Import-Csv -LiteralPath $alerts) | Should -HaveCount $said
    }
}
