#Requires -Version 7.4
<#
.SYNOPSIS
    Windowed models on the labelled NAB series in ../shared/data/nab, side by side with classical peers on the same
    halves: ROC-AUC per series and the mean.
.DESCRIPTION
    Protocol (shared with benchmarks/timeseries_peers.py, which documents it exactly): the rows stay in time order;
    the first half trains the model as it comes, and every row of the second half is scored by the window of
    -WindowSize rows that ends at it. ROC-AUC against the row labels of the second half, mean over the seeds. The
    feature is the value alone. Every setting is fixed in advance for all series; nothing is tuned on the scored half.
    A series whose second half holds no labelled anomaly is left out (its ROC-AUC is undefined).

    The peers (IsolationForest and PCA on the same windows, a rolling z-score over the -WindowSize values before each
    row) come from timeseries_peers.py when Debian's python3-sklearn is installed (/usr/bin/python3). Each
    architecture is measured with each -Scoring; a column named 'Dense/Reconstruction' is the Dense network scored
    by its reconstruction error alone (the default before the neighbour distance joined the score).
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-TimeSeries.ps1
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-TimeSeries.ps1 -Series nyc_taxi -Architecture Dense, Convolutional -Seed 0
#>
[CmdletBinding()]
param(
    [string[]] $Series,
    [ValidateSet('Dense', 'Sparse', 'Variational', 'Denoising', 'Convolutional', 'Recurrent')]
    [string[]] $Architecture = @('Dense'),
    [ValidateSet('ReconstructionAndDistance', 'Reconstruction')]
    [string[]] $Scoring = @('ReconstructionAndDistance', 'Reconstruction'),
    [int] $WindowSize = 24,
    [int[]] $Seed = @(0, 1, 2),
    [string] $DataFolder = (Join-Path $PSScriptRoot '../../shared/data/nab'),
    [string] $Python = '/usr/bin/python3',
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
if (-not $Series) { $Series = Get-ChildItem (Join-Path $DataFolder '*.csv') | ForEach-Object BaseName | Sort-Object }

$results = [ordered]@{}
foreach ($name in $Series) {
    $rows = @(Import-Csv (Join-Path $DataFolder "$name.csv"))
    $half = [math]::Floor($rows.Count / 2)
    $later = @($rows[$half..($rows.Count - 1)].label | Sort-Object -Unique)
    if ($later.Count -lt 2) {
        Write-Host "$name skipped: its second half has no labelled anomaly"
        continue
    }

    $results[$name] = [ordered]@{}
    $columns = foreach ($kind in $Architecture) { foreach ($how in $Scoring) { [pscustomobject]@{ Kind = $kind; Scoring = $how; Name = $how -eq 'ReconstructionAndDistance' ? $kind : "$kind/$how" } } }
    foreach ($column in $columns) {
        $kind = $column.Name
        $runs = foreach ($s in $Seed) {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $model = $rows[0..($half - 1)] | Invoke-AETraining -Architecture $column.Kind -Scoring $column.Scoring -WindowSize $WindowSize -ExcludeProperty timestamp, label -Seed $s
            $seconds = $clock.Elapsed.TotalSeconds
            $scored = @($rows | Measure-AEReconstructionError -Model $model)
            $auc = ($scored[$half..($scored.Count - 1)] | Find-AEThreshold -LabelProperty label 3>$null).RocAuc
            $model.Dispose()
            [pscustomobject]@{ Auc = $auc; Seconds = $seconds }
        }
        $results[$name][$kind] = [pscustomobject]@{
            Auc     = ($runs.Auc | Measure-Object -Average).Average
            Seconds = ($runs.Seconds | Measure-Object -Average).Average
        }
        Write-Host ('{0,-40} {1,-28} {2:N4}  ({3:N1} s)' -f $name, $kind, $results[$name][$kind].Auc, $results[$name][$kind].Seconds)
    }
}

$peers = $null
$hasPeers = $false
if (Test-Path $Python) {
    & $Python -c 'import numpy, sklearn' 2>$null
    $hasPeers = $LASTEXITCODE -eq 0
}
if ($hasPeers) {
    $json = Join-Path ([IO.Path]::GetTempPath()) "psae-timeseries-$PID.json"
    try {
        $env:OMP_NUM_THREADS = '1'
        & $Python (Join-Path $PSScriptRoot 'timeseries_peers.py') --data $DataFolder --window $WindowSize --seeds @Seed --series @($results.Keys) --json $json 2>$null | Out-Null
        $peers = Get-Content -Raw $json | ConvertFrom-Json -AsHashtable
    }
    finally {
        Remove-Item $json -ErrorAction Ignore
    }
}
else {
    Write-Warning "Peers skipped: $Python with numpy and scikit-learn is not available (apt-get install python3-sklearn)."
}

$modelColumns = @(foreach ($kind in $Architecture) { foreach ($how in $Scoring) { $how -eq 'ReconstructionAndDistance' ? $kind : "$kind/$how" } })
$peerNames = if ($peers) { @($peers.series[@($results.Keys)[0]].Keys) } else { @() }
$table = foreach ($name in $results.Keys) {
    $row = [ordered]@{ Series = $name }
    foreach ($kind in $modelColumns) { $row[$kind] = $results[$name][$kind].Auc }
    foreach ($p in $peerNames) { $row[$p] = $peers.series[$name][$p] }
    $row.TrainSeconds = ($modelColumns | ForEach-Object { $results[$name][$_].Seconds } | Measure-Object -Sum).Sum
    [pscustomobject]$row
}
$mean = [ordered]@{ Series = 'mean' }
foreach ($column in $modelColumns + $peerNames) { $mean[$column] = ($table.$column | Measure-Object -Average).Average }
$mean.TrainSeconds = ($table.TrainSeconds | Measure-Object -Sum).Sum
"`nROC-AUC on the second half of each series, window $WindowSize, mean over seeds $($Seed -join ', ')"
$columns = @('Series') + @($modelColumns + $peerNames | ForEach-Object { $n = [string]$_; @{ Name = $n; Expression = { '{0:N4}' -f $_.$n }.GetNewClosure(); Align = 'Right' } }) +
    @{ Name = 'TrainSeconds'; Expression = { '{0:N1}' -f $_.TrainSeconds }; Align = 'Right' }
@($table) + [pscustomobject]$mean | Format-Table -Property $columns -AutoSize | Out-String -Width 200
