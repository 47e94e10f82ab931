#Requires -Version 7.4
<#
.SYNOPSIS
    Windowed models on the labelled NAB series in ../shared/data/nab: ROC-AUC per architecture.
.DESCRIPTION
    For each series, the first 40 % of the rows train the model, or fewer when a labelled anomaly window starts
    earlier (training sees normal rows only); every later row is scored, and the ROC-AUC of the reconstruction
    errors against the labels of those later rows is printed for each architecture. Features: the value and the time of day (as a point on a circle). Settings are
    fixed in advance for all series; nothing is tuned on the scored rows.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-TimeSeries.ps1
#>
[CmdletBinding()]
param(
    [string[]] $Series = @('ec2_request_latency_system_failure', 'machine_temperature_system_failure', 'cpu_utilization_asg_misconfiguration', 'nyc_taxi'),
    [string] $DataFolder = (Join-Path $PSScriptRoot '../../shared/data/nab'),
    [int] $WindowSize = 24,
    [int] $Epochs = 40,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$kinds = [ordered]@{
    'Dense (rows alone)' = @{ Architecture = 'Dense' }
    "Dense (window $WindowSize)" = @{ Architecture = 'Dense'; WindowSize = $WindowSize }
    "Convolutional (window $WindowSize)" = @{ Architecture = 'Convolutional'; WindowSize = $WindowSize }
    "Recurrent (window $WindowSize)" = @{ Architecture = 'Recurrent'; WindowSize = $WindowSize }
}

foreach ($name in $Series) {
    $rows = Import-Csv (Join-Path $DataFolder "$name.csv") | ForEach-Object {
        $t = [datetime]::Parse($_.timestamp, [Globalization.CultureInfo]::InvariantCulture)
        $angle = 2 * [math]::PI * $t.TimeOfDay.TotalHours / 24
        [pscustomobject]@{ timestamp = $_.timestamp; value = $_.value; hour_sin = [math]::Sin($angle); hour_cos = [math]::Cos($angle); label = $_.label }
    }
    $first = [math]::Min([array]::IndexOf(@($rows.label), '1'), [int]($rows.Count * 0.4))
    "`n{0}: {1} rows; trained on the first {2} rows" -f $name, $rows.Count, $first
    foreach ($kind in $kinds.GetEnumerator()) {
        $settings = $kind.Value
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $model = $rows[0..($first - 1)] | Invoke-AETraining @settings -ExcludeProperty label, timestamp -Seed 1 -Epochs $Epochs
        $scored = @($rows | Measure-AEReconstructionError -Model $model -BatchSize 4096)
        $later = $scored[$first..($scored.Count - 1)]
        $auc = ($later | Find-AEThreshold -LabelProperty label 3>$null).RocAuc
        '  {0,-26} ROC-AUC {1:N4}   ({2} epochs, {3:N1} s)' -f $kind.Key, $auc, $model.EpochsRun, $clock.Elapsed.TotalSeconds
        $model.Dispose()
    }
}
