#Requires -Version 7.4
<#
.SYNOPSIS
    Detection quality of the module on every labelled tabular set, side by side with classical peers on the same
    splits: ROC-AUC per set and the mean for the label-free choice of score, the default score and the score chosen
    from a few labelled rows; which score each chose, training time and model-file size.
.DESCRIPTION
    The protocol (shared with benchmarks/detection_peers.py, which documents it exactly): for each set and seed, the
    normal rows are shuffled with SplitMix64 + Fisher-Yates; the first 60 % train, the next 20 % are validation rows,
    and the remaining normal rows plus every anomaly are scored once. The module is trained once per set and seed
    with `Invoke-AETraining -Seed <seed> -Scoring Auto` on the training rows (the label column left out); ROC-AUC
    comes from Find-AEThreshold -LabelProperty, which reads each row's Score.

    Columns: Auto is the score the model chose from its training rows alone (held-out normal rows against synthetic
    anomalies); Default is the same model scored by the default, ReconstructionAndDistance, on the same rows; Labels
    is the score Find-AEScoring chose from the validation normal rows plus a seeded 10 % of the anomalies (at least
    3), measured on the remaining test rows (so its rows are not quite those of the other columns). AutoChose and
    LabelsChose count the choices over the seeds (R reconstruction, D distance, R+D both, P the PCA residual).
    TrainSeconds is the whole training (mean per seed), ChoiceSeconds the part of it that fitting every term and
    judging the candidates took (the model's ScoringChoice.Seconds).

    The peers (kNN, LOF, IsolationForest, PCA and a small PyTorch autoencoder) are computed by detection_peers.py on
    the same splits when Debian's python3-sklearn and python3-torch are installed (/usr/bin/python3); otherwise the
    script says so and prints the module's figures alone. -DetailPath writes every seed's figures and every
    candidate's (on the synthetic anomalies by kind, on the test rows, the labelled rows and the rest) as JSON.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-DetectionSuite.ps1
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-DetectionSuite.ps1 -Dataset cardio, thyroid -Seed 0
#>
[CmdletBinding()]
param(
    [string[]] $Dataset,
    [int[]] $Seed = @(0, 1, 2),
    [string] $DataFolder = (Join-Path $PSScriptRoot '../../shared/data/tabular'),
    [string] $Python = '/usr/bin/python3',
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1'),
    [string] $DetailPath
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
if (-not $Dataset) { $Dataset = Get-ChildItem (Join-Path $DataFolder '*.csv') | ForEach-Object BaseName | Sort-Object }

Add-Type -TypeDefinition @'
public static class DetectionSplit
{
    // SplitMix64 + Fisher-Yates, exactly as benchmarks/detection_peers.py shuffles the normal rows.
    public static int[] Shuffle(int n, ulong seed)
    {
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        ulong state = seed;
        for (int i = n - 1; i > 0; i--)
        {
            unchecked
            {
                state += 0x9E3779B97F4A7C15UL;
                ulong z = state;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                int j = (int)(z % (ulong)(i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }
        }
        return order;
    }
}
'@

$work = Join-Path ([IO.Path]::GetTempPath()) "psae-detection-$PID"
$null = New-Item -ItemType Directory -Force $work
$module = [ordered]@{}
$details = [ordered]@{}
function Abbreviation([string] $scoring) {
    switch ($scoring) { 'ReconstructionAndDistance' { 'R+D' } 'Distance' { 'D' } 'Reconstruction' { 'R' } 'PcaResidual' { 'P' } 'Isolation' { 'I' } default { $scoring } }
}
try {
    foreach ($name in $Dataset) {
        $all = @(Import-Csv (Join-Path $DataFolder "$name.csv"))
        $normal = @($all | Where-Object label -EQ '0')
        $anomalies = @($all | Where-Object label -EQ '1')
        $aucs = foreach ($s in $Seed) {
            $order = [DetectionSplit]::Shuffle($normal.Count, [uint64]$s)
            $trainCount = [math]::Floor(0.6 * $normal.Count)
            $testStart = [math]::Floor(0.8 * $normal.Count)
            $train = foreach ($i in 0..($trainCount - 1)) { $normal[$order[$i]] }
            $test = @(foreach ($i in $testStart..($normal.Count - 1)) { $normal[$order[$i]] }) + $anomalies
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $model = $train | Invoke-AETraining -ExcludeProperty label -Seed $s -Scoring Auto 3>$null
            $seconds = $clock.Elapsed.TotalSeconds
            $file = Join-Path $work "$name-$s.aemodel"
            Export-AEModel -Model $model -Path $file -Force
            $auc = ($test | Measure-AEReconstructionError -Model $model | Find-AEThreshold -LabelProperty label).RocAuc
            # Every candidate on the test rows, with hindsight (the model is not changed: -WhatIf).
            $hindsight = $test | Find-AEScoring -Model $model -LabelProperty label -WhatIf 6>$null
            $model.Dispose()

            # The choice by labels: the validation normals and a seeded 10 % of the anomalies (at least 3) are
            # labelled; the remaining test rows are scored.
            $pick = [DetectionSplit]::Shuffle($anomalies.Count, [uint64]($s + 1000))
            $take = [math]::Max(3, [math]::Ceiling(0.1 * $anomalies.Count))
            $labelledIdx = [Collections.Generic.HashSet[int]]::new([int[]]@($pick[0..($take - 1)]))
            $validation = foreach ($i in $trainCount..($testStart - 1)) { $normal[$order[$i]] }
            $labelled = @($validation) + @(foreach ($i in $labelledIdx) { $anomalies[$i] })
            $rest = @(foreach ($i in $testStart..($normal.Count - 1)) { $normal[$order[$i]] }) + @(for ($i = 0; $i -lt $anomalies.Count; $i++) { if (-not $labelledIdx.Contains($i)) { $anomalies[$i] } })
            $guided = Import-AEModel $file
            $restAuto = ($rest | Measure-AEReconstructionError -Model $guided | Find-AEThreshold -LabelProperty label).RocAuc
            $choice = $labelled | Find-AEScoring -Model $guided -LabelProperty label
            $labelAuc = ($rest | Measure-AEReconstructionError -Model $guided | Find-AEThreshold -LabelProperty label).RocAuc
            $restAll = $rest | Find-AEScoring -Model $guided -LabelProperty label -WhatIf 6>$null
            $guided.Dispose()
            $info = Get-AEModelInfo $file
            [pscustomobject]@{
                Seed = $s; Auc = $auc; Seconds = $seconds; ChoiceSeconds = $info.ScoringChoice.Seconds; Bytes = (Get-Item $file).Length
                Chosen = [string]$info.ScoringChoice.Scoring; LabelChosen = [string]$choice.Scoring
                LabelAuc = $labelAuc; RestAuto = $restAuto
                Default = ($hindsight.Candidates | Where-Object Scoring -EQ 'ReconstructionAndDistance').LabelRocAuc
                Candidates = @($info.ScoringChoice.Candidates | ForEach-Object {
                        $c = $_
                        [pscustomobject]@{
                            Scoring = [string]$c.Scoring; Synthetic = $c.SyntheticRocAuc; Local = $c.LocalRocAuc; Cluster = $c.ClusterRocAuc
                            Global = $c.GlobalRocAuc; Dependency = $c.DependencyRocAuc
                            Test = ($hindsight.Candidates | Where-Object Scoring -EQ $c.Scoring).LabelRocAuc
                            Labelled = ($choice.Candidates | Where-Object Scoring -EQ $c.Scoring).LabelRocAuc
                            Rest = ($restAll.Candidates | Where-Object Scoring -EQ $c.Scoring).LabelRocAuc
                        }
                    })
            }
        }
        $details[$name] = $aucs
        $module[$name] = [pscustomobject]@{
            Auc     = ($aucs.Auc | Measure-Object -Average).Average
            Default = ($aucs.Default | Measure-Object -Average).Average
            Labels  = ($aucs.LabelAuc | Measure-Object -Average).Average
            Chosen  = ($aucs.Chosen | Group-Object | Sort-Object Count -Descending | ForEach-Object { '{0}x{1}' -f $_.Count, (Abbreviation $_.Name) }) -join ' '
            LabelChosen = ($aucs.LabelChosen | Group-Object | Sort-Object Count -Descending | ForEach-Object { '{0}x{1}' -f $_.Count, (Abbreviation $_.Name) }) -join ' '
            Seconds = ($aucs.Seconds | Measure-Object -Average).Average
            ChoiceSeconds = ($aucs.ChoiceSeconds | Measure-Object -Average).Average
            KB      = ($aucs.Bytes | Measure-Object -Average).Average / 1KB
        }
        Write-Host ('{0,-18} auto {1:N4} ({5})  default {2:N4}  labels {6:N4} ({7})  ({3:N1} s, {4:N0} KB)' -f $name, $module[$name].Auc, $module[$name].Default, $module[$name].Seconds, $module[$name].KB, $module[$name].Chosen, $module[$name].Labels, $module[$name].LabelChosen)
    }

    $peers = $null
    $hasPeers = $false
    if (Test-Path $Python) {
        & $Python -c 'import numpy, sklearn, torch' 2>$null
        $hasPeers = $LASTEXITCODE -eq 0
    }
    if ($hasPeers) {
        $json = Join-Path $work 'peers.json'
        $env:OMP_NUM_THREADS = '1'
        & $Python (Join-Path $PSScriptRoot 'detection_peers.py') --data $DataFolder --sets @Dataset --seeds @Seed --json $json | Out-Null
        $peers = Get-Content -Raw $json | ConvertFrom-Json -AsHashtable
    }
    else {
        Write-Warning "Peers skipped: $Python with numpy, scikit-learn and torch is not available (apt-get install python3-sklearn python3-torch)."
    }

    $peerNames = if ($peers) { @($peers.sets[$Dataset[0]].Keys) } else { @() }
    $rows = foreach ($name in $Dataset) {
        $row = [ordered]@{ Set = $name; Auto = [math]::Round($module[$name].Auc, 4); Default = [math]::Round($module[$name].Default, 4); Labels = [math]::Round($module[$name].Labels, 4) }
        foreach ($p in $peerNames) { $row[$p] = [math]::Round(($peers.sets[$name][$p].Values | Measure-Object -Average).Average, 4) }
        $row.AutoChose = $module[$name].Chosen
        $row.LabelsChose = $module[$name].LabelChosen
        $row.TrainSeconds = [math]::Round($module[$name].Seconds, 1)
        $row.ChoiceSeconds = [math]::Round($module[$name].ChoiceSeconds, 1)
        $row.ModelKB = [math]::Round($module[$name].KB)
        [pscustomobject]$row
    }
    $mean = [ordered]@{ Set = 'mean' }
    foreach ($c in 'Auto', 'Default', 'Labels') { $mean[$c] = [math]::Round(($rows.$c | Measure-Object -Average).Average, 4) }
    foreach ($p in $peerNames) { $mean[$p] = [math]::Round(($rows.$p | Measure-Object -Average).Average, 4) }
    $mean.AutoChose = ''
    $mean.LabelsChose = ''
    $mean.TrainSeconds = [math]::Round(($rows.TrainSeconds | Measure-Object -Sum).Sum, 1)
    $mean.ChoiceSeconds = [math]::Round(($rows.ChoiceSeconds | Measure-Object -Sum).Sum, 1)
    $mean.ModelKB = $null
    "`nMean ROC-AUC over seeds $($Seed -join ', ') (module: Invoke-AETraining -Seed s, default settings)"
    $columns = @('Set') + @(@('Auto', 'Default', 'Labels') + $peerNames | ForEach-Object { $n = [string]$_; @{ Name = $n; Expression = { '{0:N4}' -f $_.$n }.GetNewClosure(); Align = 'Right' } }) + 'AutoChose', 'LabelsChose', 'TrainSeconds', 'ChoiceSeconds', 'ModelKB'
    @($rows) + [pscustomobject]$mean | Format-Table -Property $columns -AutoSize | Out-String -Width 250
    if ($peers) {
        $best = ($Dataset | ForEach-Object { $n = $_; ($peerNames | ForEach-Object { ($peers.sets[$n][$_].Values | Measure-Object -Average).Average } | Measure-Object -Maximum).Maximum } | Measure-Object -Average).Average
        'Best peer per set, chosen with hindsight: {0:N4}' -f $best
    }
    if ($DetailPath) {
        [ordered]@{ sets = $details; peers = $peers } | ConvertTo-Json -Depth 8 | Set-Content -Path $DetailPath
        "Every seed's figures and every candidate's: $DetailPath"
    }
}
finally {
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}
