#Requires -Version 7.4
<#
.SYNOPSIS
    The PSAnomalyAE demo: server metrics with injected incidents, a model trained on the normal days, and the
    rows it flags.
.DESCRIPTION
    1. Generates 14 days of 5-minute server metrics (requests, CPU, memory, latency, error rate, disk IO) with daily
       seasonality, correlated metrics and noise; five incidents are injected into the last three days.
    2. Trains an autoencoder on the first nine days, chooses a threshold on days ten and eleven.
    3. Scores the last three days and prints the flagged rows with the features that gave them away.
    4. Checks every injected incident was found, saves the model, and scores again with the reloaded copy.
    Exits with code 1 when an incident is missed.
.PARAMETER ModulePath
    The module manifest to import (default: the built module in out/PSAnomalyAE).
.PARAMETER OutputFolder
    Where the generated CSV, the flagged rows and the model file are written.
.EXAMPLE
    ./examples/Demo.ps1
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1'),
    [string] $OutputFolder = (Join-Path $PSScriptRoot '../out/demo'),
    [int] $Seed = 7
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
. (Join-Path $PSScriptRoot 'New-ServerMetrics.ps1')
$OutputFolder = (New-Item -ItemType Directory -Force -Path $OutputFolder).FullName
$csv = Join-Path $OutputFolder 'server-metrics.csv'

Write-Host "1. Generating 14 days of 5-minute server metrics with injected incidents -> $csv" -ForegroundColor Cyan
New-ServerMetrics -Days 14 -Seed $Seed | Export-Csv -LiteralPath $csv
$rows = Import-Csv -LiteralPath $csv
$start = [datetime]$rows[0].timestamp

# The hour of the day, as a point on a circle, lets the model learn what is normal at each time of day
# (busy at 15:00 is fine, busy at 03:00 is not).
function Add-TimeOfDay {
    process {
        $t = [datetime]$_.timestamp
        $angle = 2 * [math]::PI * ($t.TimeOfDay.TotalHours / 24)
        $_ | Add-Member -NotePropertyName hour_sin -NotePropertyValue ([math]::Round([math]::Sin($angle), 4)) -PassThru |
            Add-Member -NotePropertyName hour_cos -NotePropertyValue ([math]::Round([math]::Cos($angle), 4)) -PassThru
    }
}

$train = $rows | Where-Object { ([datetime]$_.timestamp) -lt $start.AddDays(9) } | Add-TimeOfDay
$validation = $rows | Where-Object { $t = [datetime]$_.timestamp; $t -ge $start.AddDays(9) -and $t -lt $start.AddDays(11) } | Add-TimeOfDay
$recent = $rows | Where-Object { ([datetime]$_.timestamp) -ge $start.AddDays(11) } | Add-TimeOfDay

Write-Host "2. Training on $($train.Count) rows of the first nine days" -ForegroundColor Cyan
$model = New-AEModel -HiddenSize 32, 16 -LatentSize 4 -Epochs 300 -Patience 20 -Seed $Seed -ExcludeProperty incident
$null = $train | Invoke-AETraining -Model $model
'   features: {0}' -f ($model.FeatureNames -join ', ')
'   {0} epochs (best {1}), validation loss {2:G3}' -f $model.EpochsRun, $model.BestEpoch, $model.History[$model.BestEpoch - 1].ValidationLoss

$threshold = $validation | Measure-AEReconstructionError -Model $model | Find-AEThreshold -Percentile 99.5 -Model $model
'   threshold {0:G4}: the 99.5th percentile of {1} validation rows from days ten and eleven' -f $threshold.Threshold, $threshold.RowCount

Write-Host "3. Scoring the last three days ($($recent.Count) rows)" -ForegroundColor Cyan
$scored = $recent | Test-AEAnomaly -Model $model
$flagged = @($scored | Where-Object Anomaly)
$flagged | Select-Object * -ExcludeProperty TopFeatures, FeatureErrors, hour_sin, hour_cos |
    Export-Csv -LiteralPath (Join-Path $OutputFolder 'flagged.csv')
# Consecutive flagged rows (gaps of up to 15 minutes) form one episode: one line each, as an alert would.
$episodes = [Collections.Generic.List[object]]::new()
foreach ($row in $flagged) {
    $t = [datetime]$row.timestamp
    if ($episodes.Count -and ($t - $episodes[-1].Last).TotalMinutes -le 15) {
        $episodes[-1].Last = $t; $episodes[-1].Rows++
        if ($row.Score -gt $episodes[-1].Worst.Score) { $episodes[-1].Worst = $row }
    } else {
        $episodes.Add([pscustomobject]@{ First = $t; Last = $t; Rows = 1; Worst = $row })
    }
}
'   {0} rows flagged in {1} episodes:' -f $flagged.Count, $episodes.Count
$episodes | Select-Object @{ n = 'from'; e = { $_.First.ToString('MM-dd HH:mm') } }, @{ n = 'to'; e = { $_.Last.ToString('HH:mm') } },
    Rows, @{ n = 'max score/threshold'; e = { '{0,7:N1}' -f $_.Worst.ScoreToThreshold } },
    @{ n = 'what stood out at the worst row'; e = { ($_.Worst.TopFeatures | Select-Object -First 2 | ForEach-Object Describe) -join '; ' } } |
    Format-Table -AutoSize | Out-String -Width 200 | Write-Host

Write-Host '4. What was found' -ForegroundColor Cyan
$missed = 0
$incidents = $scored | Where-Object incident | Group-Object incident
foreach ($incident in $incidents) {
    $hits = @($incident.Group | Where-Object Anomaly).Count
    if ($hits -eq 0) { $missed++ }
    '   {0,-20} {1,3} of {2,3} rows flagged{3}' -f $incident.Name, $hits, $incident.Count, $(if ($hits -eq 0) { '  MISSED' })
}
$falseAlarms = @($scored | Where-Object { $_.Anomaly -and -not $_.incident }).Count
$normalRows = @($scored | Where-Object { -not $_.incident }).Count
'   false alarms: {0} of {1} normal rows ({2:P1})' -f $falseAlarms, $normalRows, ($falseAlarms / $normalRows)

$modelFile = Join-Path $OutputFolder 'server.aemodel'
Export-AEModel -Model $model -Path $modelFile -Force
$reloaded = Import-AEModel -Path $modelFile
$same = -not (Compare-Object ($recent | Test-AEAnomaly -Model $reloaded).Score $scored.Score -SyncWindow 0)
'   model saved to {0}; the reloaded copy scores identically: {1}' -f $modelFile, $same

if ($missed -gt 0 -or -not $same) {
    Write-Host "The demo missed $missed incident(s)." -ForegroundColor Red
    exit 1
}
Write-Host "Found all $($incidents.Count) injected incidents." -ForegroundColor Green
