#Requires -Version 7.4
<#
.SYNOPSIS
    Prints how long Find-AELatentSize takes with one fit at a time and with one fit per logical CPU, and shows that
    the results are the same. Nothing here asserts a time; read the figures.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-CrossValidation.ps1
#>
[CmdletBinding()]
param(
    [int] $Rows = 3000,
    [int] $Epochs = 8,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$rnd = [Random]::new(1)
$data = foreach ($i in 1..$Rows) {
    $a = $rnd.NextDouble(); $b = $rnd.NextDouble()
    [pscustomobject]@{ x1 = $a; x2 = $b; x3 = $a + $b; x4 = $a - $b; x5 = 2 * $a; x6 = 3 * $b; x7 = $a * $b; x8 = 0.01 * $rnd.NextDouble() }
}

$counts = @(1, [Environment]::ProcessorCount)
# The first pass warms up (JIT, libtorch); the second is reported.
foreach ($pass in 1, 2) {
    foreach ($n in $counts) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $result = $data | Find-AELatentSize -LatentSize 1, 2, 3, 4 -Folds 3 -Epochs $Epochs -Seed 5 -ThreadCount $n
        if ($pass -eq 2) {
            '{0} fit(s) at once: {1:F1} s; mean errors {2}' -f $n, $clock.Elapsed.TotalSeconds, (($result | ForEach-Object { $_.MeanError.ToString('G6', [cultureinfo]::InvariantCulture) }) -join ', ')
        }
    }
}
