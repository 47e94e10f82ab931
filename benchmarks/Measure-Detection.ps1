#Requires -Version 7.4
<#
.SYNOPSIS
    Detection quality on the labelled tabular datasets in ../shared/data/tabular: ROC-AUC and chosen thresholds.
.DESCRIPTION
    The protocol fits the method: a seeded 60 % of the normal rows trains the model; a validation split (20 % of
    the normal rows and half of the anomalies) chooses thresholds; the test split (the other 20 % of normal rows
    and the other anomalies) is scored once. Prints the test ROC-AUC and, for each threshold rule, the threshold
    and its precision, recall and false-positive rate on the test split. Writes the validation pictures to
    -OutputFolder.
.EXAMPLE
    dotnet pwsh ./benchmarks/Measure-Detection.ps1 -Dataset cardio, thyroid
#>
[CmdletBinding()]
param(
    [string[]] $Dataset = @('cardio', 'thyroid'),
    [string] $DataFolder = (Join-Path $PSScriptRoot '../../shared/data/tabular'),
    [string] $OutputFolder = (Join-Path $PSScriptRoot '../out/detection'),
    [int] $Seed = 1,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PSAnomalyAE/PSAnomalyAE.psd1')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$OutputFolder = (New-Item -ItemType Directory -Force -Path $OutputFolder).FullName

function Measure-At($rows, [double] $threshold) {
    $tp = @($rows | Where-Object { $_.label -eq '1' -and $_.Score -gt $threshold }).Count
    $fp = @($rows | Where-Object { $_.label -eq '0' -and $_.Score -gt $threshold }).Count
    $pos = @($rows | Where-Object label -EQ '1').Count
    $neg = $rows.Count - $pos
    [pscustomobject]@{ Precision = $(if ($tp + $fp) { $tp / ($tp + $fp) } else { 1 }); Recall = $tp / $pos; FalsePositiveRate = $fp / $neg }
}

foreach ($name in $Dataset) {
    $all = Import-Csv (Join-Path $DataFolder "$name.csv")
    $rng = [Random]::new(0)
    $normal = @($all | Where-Object label -EQ '0' | Sort-Object { $rng.Next() })
    $anomalous = @($all | Where-Object label -EQ '1' | Sort-Object { $rng.Next() })
    $n = $normal.Count; $half = [int]($anomalous.Count / 2)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $model = $normal[0..([int]($n * 0.6) - 1)] | Invoke-AETraining -ExcludeProperty label -Seed $Seed
    $trainSeconds = $clock.Elapsed.TotalSeconds
    $validation = @($normal[[int]($n * 0.6)..([int]($n * 0.8) - 1)] + $anomalous[0..($half - 1)] | Measure-AEReconstructionError -Model $model)
    $test = @($normal[[int]($n * 0.8)..($n - 1)] + $anomalous[$half..($anomalous.Count - 1)] | Measure-AEReconstructionError -Model $model)
    $testAuc = ($test | Find-AEThreshold -LabelProperty label).RocAuc
    $valAuc = ($validation | Find-AEThreshold -LabelProperty label).RocAuc
    "`n{0}: {1} rows, {2} features; trained on {3} normal rows in {4:N1} s ({5} epochs, best {6})" -f $name, $all.Count, $model.FeatureCount, ([int]($n * 0.6)), $trainSeconds, $model.EpochsRun, $model.BestEpoch
    "  ROC-AUC: validation {0:N4}, test {1:N4}" -f $valAuc, $testAuc
    $normalValidation = @($validation | Where-Object label -EQ '0')
    $rules = [ordered]@{
        'Percentile 99 (normal rows)' = { $normalValidation | Find-AEThreshold -Percentile 99 }
        'Mad 3 (normal rows)' = { $normalValidation | Find-AEThreshold -Mad 3 }
        'F1 (labelled)' = { $validation | Find-AEThreshold -LabelProperty label -Objective F1 -PlotPath (Join-Path $OutputFolder "$name-f1.png") }
        'MaxFalsePositiveRate 0.01' = { $validation | Find-AEThreshold -LabelProperty label -Objective MaxFalsePositiveRate 0.01 }
        'MinRecall 0.9' = { $validation | Find-AEThreshold -LabelProperty label -Objective MinRecall 0.9 }
    }
    foreach ($rule in $rules.GetEnumerator()) {
        $t = & $rule.Value 3>$null
        $m = Measure-At $test $t.Threshold
        '  {0,-28} threshold {1,9:G4}  test precision {2:N3}, recall {3:N3}, false-positive rate {4:N4}' -f $rule.Key, $t.Threshold, $m.Precision, $m.Recall, $m.FalsePositiveRate
    }
    $model.Dispose()
}
"`nPictures: $OutputFolder"
