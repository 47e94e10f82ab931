#Requires -Version 7.4

<#
.SYNOPSIS
    Trains the model the nightly job scores with, once (or whenever normal has changed), and saves it.
.DESCRIPTION
    Trains on rows of normal data (-TrainingPath), optionally chooses the threshold on other normal rows
    (-ValidationPath, at -Percentile), and saves the model: one file (-ModelPath), or with -GroupProperty one
    named model per value of that column (one per host, say) in -ModelFolder, each file named after its value.
    Import-AEModel <folder>/*.aemodel loads them back, told apart by their Name.

    Made to run unattended. Exit codes: 0 when every model was saved, 2 when anything failed (the message is on
    standard error). A failure never leaves a half-written model file: Export-AEModel writes a temporary file and
    renames it into place.
.PARAMETER TrainingPath
    The CSV file of normal rows to train on.
.PARAMETER ModelPath
    The model file to write.
.PARAMETER ModelFolder
    With -GroupProperty: the folder for the per-group model files (created when missing).
.PARAMETER GroupProperty
    Train one model per value of this column (for example host); the column is not a feature.
.PARAMETER ValidationPath
    A CSV file of other normal rows to choose the threshold on; without it the model keeps the provisional
    threshold training chose (the 99th percentile of the held-out rows).
.PARAMETER Percentile
    The percentile of the validation rows' scores that becomes the threshold.
.PARAMETER ExcludeProperty
    Columns that are not features (timestamps, labels, identifiers); with pwsh -File, separate them with commas.
.PARAMETER Name
    The model's name (default: the model file's name without its extension). Per-group models are named after
    their group.
.PARAMETER Epochs
    The most epochs to train for.
.PARAMETER Seed
    Makes training reproducible.
.PARAMETER Force
    Replace model files that exist.
.PARAMETER ModulePath
    The module to import: its name (installed) or the path of its manifest.
.EXAMPLE
    pwsh -NonInteractive -NoProfile -File ./New-NightlyModel.ps1 -TrainingPath ./normal.csv -ValidationPath ./validation.csv -ModelPath ./models/web.aemodel -ExcludeProperty timestamp -Force

    One model for the nightly job (Invoke-NightlyScoring.ps1 -ModelPath ./models/web.aemodel).
.EXAMPLE
    pwsh -NonInteractive -NoProfile -File ./New-NightlyModel.ps1 -TrainingPath ./fleet-normal.csv -GroupProperty host -ModelFolder ./models -ExcludeProperty timestamp -Force

    One model per host: ./models/web01.aemodel, ./models/web02.aemodel, ..., named web01, web02, ...
#>
[CmdletBinding(DefaultParameterSetName = 'One')]
param(
    [Parameter(Mandatory)] [string] $TrainingPath,
    [Parameter(Mandatory, ParameterSetName = 'One')] [string] $ModelPath,
    [Parameter(Mandatory, ParameterSetName = 'PerGroup')] [string] $ModelFolder,
    [Parameter(Mandatory, ParameterSetName = 'PerGroup')] [string] $GroupProperty,
    [string] $ValidationPath,
    [ValidateRange(50, 100)] [double] $Percentile = 99.5,
    [string[]] $ExcludeProperty = @(),
    [Parameter(ParameterSetName = 'One')] [string] $Name,
    [ValidateRange(1, 100000)] [int] $Epochs = 100,
    [int] $Seed = 1,
    [switch] $Force,
    [string] $ModulePath = 'PSAnomalyAE'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
try {
    # pwsh -File passes every argument as a string: accept "timestamp,host" as a list.
    $ExcludeProperty = @($ExcludeProperty | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
    Import-Module $ModulePath

    function Save-Model([object[]] $Rows, [object[]] $Validation, [string] $ModelName, [string] $Path, [string[]] $Exclude) {
        $training = @{ ExcludeProperty = $Exclude; Epochs = $Epochs; Seed = $Seed }
        if ($ModelName) { $training.Name = $ModelName }
        $model = $Rows | Invoke-AETraining @training
        if ($Validation) {
            $null = $Validation | Measure-AEReconstructionError -Model $model | Find-AEThreshold -Percentile $Percentile -Model $model
        }
        Export-AEModel -Model $model -Path $Path -Force:$Force
        '{0}: {1} rows, threshold {2:G4} ({3}) -> {4}' -f $model.Name, ($model.TrainingRows + $model.ValidationRows), $model.Threshold, $model.ThresholdMethod, $Path
        $model.Dispose()
    }

    # Paths are checked before the work: a training run must not end in a folder that does not exist.
    if ($PSCmdlet.ParameterSetName -eq 'One') {
        $target = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ModelPath)
        $folder = [IO.Path]::GetDirectoryName($target)
        if (-not (Test-Path -LiteralPath $folder -PathType Container)) { throw "The folder of -ModelPath, '$folder', does not exist; create it first." }
        if ((Test-Path -LiteralPath $target) -and -not $Force) { throw "'$target' exists; add -Force to replace it." }
    }
    foreach ($path in @($TrainingPath) + @($ValidationPath | Where-Object { $_ })) {
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { throw "The CSV file '$path' does not exist." }
    }

    $rows = @(Import-Csv -LiteralPath $TrainingPath)
    $validation = if ($ValidationPath) { @(Import-Csv -LiteralPath $ValidationPath) } else { @() }
    if ($PSCmdlet.ParameterSetName -eq 'One') {
        if (-not $Name) { $Name = [IO.Path]::GetFileNameWithoutExtension($ModelPath) }
        Save-Model $rows $validation $Name $ModelPath $ExcludeProperty
    } else {
        $null = New-Item -ItemType Directory -Force -Path $ModelFolder
        $exclude = @($ExcludeProperty) + $GroupProperty
        $validationByGroup = $validation | Group-Object -Property $GroupProperty -AsHashTable -AsString
        foreach ($group in $rows | Group-Object -Property $GroupProperty) {
            $own = if ($validationByGroup) { $validationByGroup[$group.Name] } else { $null }
            Save-Model $group.Group $own $group.Name (Join-Path $ModelFolder "$($group.Name).aemodel") $exclude
        }
    }
    exit 0
} catch {
    [Console]::Error.WriteLine("New-NightlyModel failed: $($_.Exception.Message) [$($_.FullyQualifiedErrorId)] $($_.InvocationInfo.PositionMessage)")
    exit 2
}
