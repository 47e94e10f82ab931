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
        @{ Command = 'Test-AEAnomaly'; Case = 'a dense model'; Window = $false; Property = 'AnomalyScore' }
        @{ Command = 'Test-AEAnomaly'; Case = 'a windowed model'; Window = $true; Property = 'AnomalyScore' }
        @{ Command = 'Measure-AEReconstructionError'; Case = 'a windowed model'; Window = $true; Property = 'ReconstructionError' }
    ) {
        $m = $Window ? $windowed : $model
        $parameters = @{ Model = $m; BatchSize = 64 }
        if ($Command -eq 'Test-AEAnomaly') { $parameters.Threshold = 0.5 }
        $r = Get-Both $Command $parameters

        $r.File | Should -HaveCount 299
        $r.File.timestamp | Should -Be $r.Pipe.timestamp
        $r.File.ReconstructionError | Should -Be $r.Pipe.ReconstructionError
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
        $flagged.AnomalyScore | Should -Be $expected.AnomalyScore
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
        $file.ReconstructionError | Should -Be $pipe.ReconstructionError
    }

    It 'stops with one error listing every feature the file lacks' {
        $narrow = Join-Path $TestDrive 'narrow.csv'
        $rows | Select-Object timestamp, cpu_pct | Export-Csv -LiteralPath $narrow
        $err = { Test-AEAnomaly -Model $model -Path $narrow } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -Be 'MissingFeatureColumn,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $err.Exception.Message | Should -BeLike "*no columns 'requests_per_s', 'memory_pct', 'latency_ms'*"
    }

    It 'reports a file that does not exist and scores the others' {
        $out = Measure-AEReconstructionError -Model $model -Path (Join-Path $TestDrive 'none.csv'), $csv -ErrorVariable e -ErrorAction SilentlyContinue
        $out | Should -HaveCount 299
        $e[0].FullyQualifiedErrorId | Should -Be 'FileNotFound,PSAnomalyAE.Commands.MeasureAEReconstructionErrorCommand'
    }
}
