#Requires -Version 7.4
<#
.SYNOPSIS
    Throughput and one row's latency of a stream that adapts: Test-AEAnomaly -Adapt on a real metric held in a pwsh
    session, beside the same model without adapting.
.DESCRIPTION
    A model (-WindowSize 8 on the value, the module's defaults) is trained on the first 750 rows of -Series. Then:
    - throughput: all rows of the series, held in the session, through Test-AEAnomaly with each -Adapt value;
    - latency: rows handed over one at a time with a pause between them (a live feed, scored row by row), the time
      from a row entering Test-AEAnomaly to its result leaving it: median, 99th percentile and worst.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-AdaptiveStream.ps1
#>
[CmdletBinding()]
param(
    [string] $Series = (Join-Path $PSScriptRoot '../../shared/data/nab/ec2_request_latency_system_failure.csv'),
    [string[]] $Adapt = @('None', 'Likelihood, NewRange', 'Stream'),
    [int] $LatencyRows = 300,
    [int] $PauseMilliseconds = 20,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$rows = @(Import-Csv $Series | Select-Object timestamp, value)
$model = $rows[0..749] | Invoke-AETraining -WindowSize 8 -Property value -Seed 0 -WarningAction SilentlyContinue
"{0}: {1:N0} rows; model trained on the first 750" -f (Split-Path -Leaf $Series), $rows.Count

foreach ($mode in $Adapt) {
    $null = $rows[0..99] | Test-AEAnomaly -Model $model -Adapt $mode -WarmUpRows 750    # warm the code paths
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $n = @($rows | Test-AEAnomaly -Model $model -Adapt $mode -WarmUpRows 750).Count
    $seconds = $watch.Elapsed.TotalSeconds

    $clock = [Diagnostics.Stopwatch]::StartNew()
    $entered = [double[]]::new($LatencyRows)
    $latency = [Collections.Generic.List[double]]::new()
    $i = 0
    $rows[0..($LatencyRows - 1)] | ForEach-Object {
        Start-Sleep -Milliseconds $PauseMilliseconds
        $entered[$i] = $clock.Elapsed.TotalMilliseconds
        $i++
        $_
    } | Test-AEAnomaly -Model $model -Adapt $mode -WarmUpRows 750 | ForEach-Object -Begin { $j = 0 } -Process {
        $latency.Add($clock.Elapsed.TotalMilliseconds - $entered[$j])
        $j++
    }
    $sorted = $latency | Sort-Object
    "-Adapt {0,-22} {1,8:N0} rows/s   one row: median {2:N2} ms, p99 {3:N2} ms, worst {4:N2} ms" -f $mode, ($n / $seconds),
        $sorted[[int]($sorted.Count / 2)], $sorted[[int]($sorted.Count * 0.99) - 1], $sorted[-1]
}
