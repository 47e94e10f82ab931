#Requires -Version 7.4
<#
.SYNOPSIS
    Prints speed and memory figures for the built module. Nothing here asserts a time; read the figures.
.DESCRIPTION
    Sections (choose with -Section):
      Train    training time per epoch and per row for a few data sizes.
      Score    rows per second through Test-AEAnomaly from objects and from a CSV file.
      Stream   peak working set while -Rows rows (default 1,000,000) stream from a CSV through Test-AEAnomaly.
      Cycles   process memory across -Cycles (default 1,000) train/score cycles in one process.
.EXAMPLE
    dotnet pwsh ./benchmarks/Invoke-Benchmark.ps1 -Section Stream -Rows 1000000
#>
[CmdletBinding()]
param(
    [ValidateSet('Train', 'Score', 'Stream', 'Cycles')]
    [string[]] $Section = @('Train', 'Score', 'Stream', 'Cycles'),
    [int] $Rows = 1000000,
    [int] $Cycles = 1000,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$inv = [Globalization.CultureInfo]::InvariantCulture
$work = Join-Path ([IO.Path]::GetTempPath()) "psae-bench-$PID"
$null = New-Item -ItemType Directory -Force -Path $work

function New-Rows([int] $Count, [int] $Seed) {
    $rnd = [Random]::new($Seed)
    for ($i = 0; $i -lt $Count; $i++) {
        $load = $rnd.NextDouble(); $mem = $rnd.NextDouble()
        [pscustomobject]@{ cpu = 20 + 60 * $load + $rnd.NextDouble(); req = 100 + 900 * $load; mem = 30 + 40 * $mem; lat = 50 + 30 * $load + 20 * $mem }
    }
}

function Write-Csv([string] $Path, [int] $Count, [int] $Seed) {
    # Written with a StreamWriter: a million rows through Export-Csv would measure Export-Csv.
    $rnd = [Random]::new($Seed)
    $w = [IO.StreamWriter]::new($Path)
    try {
        $w.WriteLine('timestamp,cpu,req,mem,lat')
        for ($i = 0; $i -lt $Count; $i++) {
            $load = $rnd.NextDouble(); $mem = $rnd.NextDouble()
            $w.WriteLine([string]::Format($inv, '{0},{1:0.###},{2:0.###},{3:0.###},{4:0.###}', $i, 20 + 60 * $load + $rnd.NextDouble(), 100 + 900 * $load, 30 + 40 * $mem, 50 + 30 * $load + 20 * $mem))
        }
    } finally { $w.Dispose() }
}

function Get-Mem {
    $p = Get-Process -Id $PID
    $p.Refresh()
    [pscustomobject]@{ WorkingSetMB = [math]::Round($p.WorkingSet64 / 1MB); PeakMB = [math]::Round($p.PeakWorkingSet64 / 1MB); ManagedMB = [math]::Round([GC]::GetTotalMemory($false) / 1MB) }
}

$threads = $null
$model = New-Rows 2000 1 | Invoke-AETraining -Seed 1 -Epochs 5
Write-Host ("PSAnomalyAE benchmark: {0} cores, PowerShell {1}" -f [Environment]::ProcessorCount, $PSVersionTable.PSVersion)

if ('Train' -in $Section) {
    Write-Host "`n== Training (4 features, default network, batch 64, 20 epochs, no early stop)"
    foreach ($n in 1000, 10000, 50000) {
        $data = @(New-Rows $n 2)
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $m = $data | Invoke-AETraining -Seed 1 -Epochs 20 -Patience 0
        $sw.Stop()
        '{0,7:N0} rows: {1,6:N2} s total, {2,7:N1} ms/epoch, {3,5:N2} µs/row/epoch' -f $n, $sw.Elapsed.TotalSeconds,
            (($m.History.Seconds | Measure-Object -Sum).Sum * 1000 / 20), (($m.History.Seconds | Measure-Object -Sum).Sum * 1e6 / 20 / ($n * 0.8))
        $m.Dispose()
    }
}

if ('Score' -in $Section) {
    Write-Host "`n== Scoring"
    $objects = @(New-Rows 100000 3)
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $count = ($objects | Test-AEAnomaly -Model $model | Measure-Object).Count
    '{0:N0} objects through Test-AEAnomaly: {1:N2} s, {2:N0} rows/s' -f $count, $sw.Elapsed.TotalSeconds, ($count / $sw.Elapsed.TotalSeconds)
    $csv = Join-Path $work 'score.csv'
    Write-Csv $csv 100000 4
    $sw.Restart()
    $count = (Import-Csv $csv | Test-AEAnomaly -Model $model | Measure-Object).Count
    '{0:N0} CSV rows, Import-Csv | Test-AEAnomaly: {1:N2} s, {2:N0} rows/s' -f $count, $sw.Elapsed.TotalSeconds, ($count / $sw.Elapsed.TotalSeconds)
    $sw.Restart()
    $count = (Import-Csv $csv | Measure-Object).Count
    '{0:N0} CSV rows, Import-Csv alone (for comparison): {1:N2} s' -f $count, $sw.Elapsed.TotalSeconds
}

if ('Stream' -in $Section) {
    Write-Host ("`n== Streaming {0:N0} CSV rows through Test-AEAnomaly" -f $Rows)
    $csv = Join-Path $work 'stream.csv'
    Write-Csv $csv $Rows 5
    [GC]::Collect()
    $before = Get-Mem
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $flagged = 0
    $peak = 0
    $n = 0
    Import-Csv $csv | Test-AEAnomaly -Model $model | ForEach-Object {
        if ($_.Anomaly) { $flagged++ }
        if ((++$n % 100000) -eq 0) { $peak = [math]::Max($peak, (Get-Mem).WorkingSetMB); Write-Host ("  {0,9:N0} rows, working set {1} MB" -f $n, (Get-Mem).WorkingSetMB) }
    }
    $after = Get-Mem
    '{0:N0} rows in {1:N1} s ({2:N0} rows/s), {3} flagged; working set before {4} MB, after {5} MB, sampled peak {6} MB, process peak {7} MB; file {8:N0} MB' -f `
        $n, $sw.Elapsed.TotalSeconds, ($n / $sw.Elapsed.TotalSeconds), $flagged, $before.WorkingSetMB, $after.WorkingSetMB, $peak, $after.PeakMB, ((Get-Item $csv).Length / 1MB)
}

if ('Cycles' -in $Section) {
    Write-Host ("`n== {0:N0} train/score cycles in one process (200 rows, 2 epochs each)" -f $Cycles)
    $train = @(New-Rows 200 6)
    $probe = @(New-Rows 100 7)
    [GC]::Collect()
    $start = Get-Mem
    $sw = [Diagnostics.Stopwatch]::StartNew()
    for ($i = 1; $i -le $Cycles; $i++) {
        $m = $train | Invoke-AETraining -Seed $i -Epochs 2
        $null = $probe | Test-AEAnomaly -Model $m
        $m.Dispose()
        if ($i % [math]::Max(1, [int]($Cycles / 10)) -eq 0) {
            $mem = Get-Mem
            '  cycle {0,5}: working set {1} MB, managed {2} MB' -f $i, $mem.WorkingSetMB, $mem.ManagedMB
        }
    }
    $end = Get-Mem
    '{0:N0} cycles in {1:N1} s; working set {2} MB -> {3} MB' -f $Cycles, $sw.Elapsed.TotalSeconds, $start.WorkingSetMB, $end.WorkingSetMB
}

Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction Ignore
