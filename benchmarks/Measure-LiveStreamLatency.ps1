#Requires -Version 7.4
<#
.SYNOPSIS
    Prints how long a row of a live stream waits for its result: a producer process appends rows to a CSV file, one
    every -IntervalMilliseconds, and `Get-Content -Wait | ConvertFrom-Csv | Test-AEAnomaly` scores them.
.DESCRIPTION
    The same stream without scoring is measured too, for the part of the latency that is Get-Content -Wait's.
    The latency of a row is the time from the producer writing it (its own clock reading, in the row) to its result
    leaving Test-AEAnomaly. Printed for each interval: median, 90th percentile and worst over -Rows rows. Also
    printed: rows per second for fast input (objects in memory) with the default -FlushAfterMilliseconds and with 0
    (every row its own network call), to show that fast input still goes in full batches.
.EXAMPLE
    dotnet pwsh -c './benchmarks/Measure-LiveStreamLatency.ps1 -Rows 100 -IntervalMilliseconds 300, 100, 20'
#>
[CmdletBinding()]
param(
    [int] $Rows = 100,
    [int[]] $IntervalMilliseconds = @(300, 100, 20),
    [int] $FlushAfterMilliseconds = 250,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$inv = [Globalization.CultureInfo]::InvariantCulture
$work = Join-Path ([IO.Path]::GetTempPath()) "psae-live-$PID"
$null = New-Item -ItemType Directory -Force -Path $work

function New-Rows([int] $Count, [int] $Seed) {
    $rnd = [Random]::new($Seed)
    for ($i = 0; $i -lt $Count; $i++) {
        $load = $rnd.NextDouble()
        [pscustomobject]@{
            cpu_pct        = (20 + 60 * $load + $rnd.NextDouble()).ToString('0.###', $inv)
            requests_per_s = (100 + 900 * $load + 10 * $rnd.NextDouble()).ToString('0.###', $inv)
            latency_ms     = (50 + 30 * $load + 5 * $rnd.NextDouble()).ToString('0.###', $inv)
        }
    }
}

try {
    $model = New-Rows 1000 1 | Invoke-AETraining -Model (New-AEModel -Epochs 20) -Seed 1
    $null = New-Rows 10 3 | Test-AEAnomaly -Model $model   # libtorch loaded and warm
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')

    # The same stream without scoring (Get-Content -Wait | ConvertFrom-Csv alone) last: Get-Content -Wait looks for
    # new lines only every so often, and that part of the latency is not the scorer's.
    $runs = @($IntervalMilliseconds | ForEach-Object { [pscustomobject]@{ Interval = $_; Score = $true } }) + @([pscustomobject]@{ Interval = $IntervalMilliseconds[0]; Score = $false })
    foreach ($run in $runs) {
        $interval = $run.Interval
        $file = Join-Path $work "metrics-$interval-$($run.Score).csv"
        'cpu_pct,requests_per_s,latency_ms,written' | Set-Content -LiteralPath $file
        New-Rows $Rows 2 | ConvertTo-Csv | Select-Object -Skip 1 | Set-Content -LiteralPath "$file.lines"
        $producer = Start-Process -PassThru -FilePath $pwsh -ArgumentList @(
            '-NoProfile', '-NonInteractive', '-Command',
            "foreach (`$l in (Get-Content -LiteralPath '$file.lines')) { Start-Sleep -Milliseconds $interval; Add-Content -LiteralPath '$file' -Value (`$l + ',' + [datetime]::UtcNow.Ticks) }")
        try {
            $lag = { ([datetime]::UtcNow.Ticks - [long]$_.written) / 1e4 }
            $lags = if ($run.Score) {
                Get-Content -Wait -LiteralPath $file | ConvertFrom-Csv |
                    Test-AEAnomaly -Model $model -FlushAfterMilliseconds $FlushAfterMilliseconds |
                    ForEach-Object $lag | Select-Object -First $Rows
            }
            else {
                Get-Content -Wait -LiteralPath $file | ConvertFrom-Csv | ForEach-Object $lag | Select-Object -First $Rows
            }
        }
        finally {
            if (-not $producer.HasExited) { Stop-Process -Id $producer.Id }
        }
        $sorted = @($lags | Sort-Object)
        [pscustomobject]@{
            Section        = 'Live stream'
            Scoring        = $run.Score ? 'Test-AEAnomaly' : 'none (Get-Content -Wait | ConvertFrom-Csv only)'
            IntervalMs     = $interval
            FlushAfterMs   = $run.Score ? $FlushAfterMilliseconds : $null
            Rows           = $sorted.Count
            MedianMs       = [math]::Round($sorted[[int][math]::Floor(($sorted.Count - 1) / 2)], 1)
            P90Ms          = [math]::Round($sorted[[int][math]::Floor(0.9 * ($sorted.Count - 1))], 1)
            WorstMs        = [math]::Round($sorted[-1], 1)
        }
    }

    $fast = @(New-Rows 50000 4)
    foreach ($flush in $FlushAfterMilliseconds, 0) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $null = $fast | Test-AEAnomaly -Model $model -FlushAfterMilliseconds $flush
        [pscustomobject]@{ Section = 'Fast input'; FlushAfterMs = $flush; Rows = $fast.Count; RowsPerSecond = [math]::Round($fast.Count / $sw.Elapsed.TotalSeconds) }
    }
}
finally {
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
