#Requires -Version 7.4

<#
.SYNOPSIS
    Scores many servers' metrics at once and returns one merged list of anomalies, each row saying which host
    (PSComputerName) and which model (ModelName) it came from.
.DESCRIPTION
    Remote (-ComputerName or -Session): Invoke-Command runs the same scoring on every host at once (up to
    -ThrottleLimit). Each host loads the model file at -ModelPath (one file for every host: on a share, or copied
    next to the data) and scores its own -InputPath; only the anomalies travel back, and remoting adds
    PSComputerName to each. The hosts need PSAnomalyAE installed. A host that fails (unreachable, no model file,
    no CSV) gives an error that names it, and the other hosts' results are still returned.

    Local (-InputFolder): the hosts' CSV files collected in one folder (web01.csv, web02.csv, ...) are scored on
    this machine, several at a time on threads of this process (ForEach-Object -Parallel, sharing the loaded
    models), and PSComputerName is the file's name. -ModelPath is one model file for every host, or a folder of
    per-host models (web01.aemodel, ... from New-NightlyModel.ps1 -GroupProperty host), loaded with
    Import-AEModel <folder>/*.aemodel: each host's file is scored by the model whose Name is the host's name.

    Every row keeps its columns and gets Score, ReconstructionError, NeighbourDistance (for models with the default
    score), Threshold, Anomaly, ScoreToThreshold, Severity, ScorePercentile, Reason and ModelName
    (Test-AEAnomaly -IncludeModelName), so the merged list says which model and threshold flagged it.
.PARAMETER ComputerName
    The hosts to score on, through PowerShell remoting over WinRM. For SSH, open the sessions with
    New-PSSession -HostName and pass them to -Session.
.PARAMETER Session
    Open remoting sessions to score in (New-PSSession, also over SSH).
.PARAMETER Credential
    The account for -ComputerName.
.PARAMETER InputPath
    Remote: the CSV file each host scores, as a path on that host.
.PARAMETER InputFolder
    Local: a folder of CSV files, one per host, named after the host.
.PARAMETER ModelPath
    A model file; locally also a folder of per-host models.
.PARAMETER ThrottleLimit
    How many hosts (or files) are scored at once.
.PARAMETER IncludeNormal
    Return every scored row, not only the anomalies.
.PARAMETER ModulePath
    The module to import (on each host for -ComputerName and -Session): its name, or the path of its manifest.
.EXAMPLE
    ./Invoke-FleetScoring.ps1 -ComputerName web01, web02, web03 -ModelPath '\\files\models\web.aemodel' -InputPath 'D:\metrics\today.csv' |
        Export-Csv ./fleet-alerts.csv

    One model, every host scoring its own file; PSComputerName says which host each alert is from.
.EXAMPLE
    ./Invoke-FleetScoring.ps1 -InputFolder '\\files\metrics\2026-03-14' -ModelPath '\\files\models\hosts' |
        Sort-Object ScoreToThreshold -Descending | Select-Object PSComputerName, ModelName, timestamp, Severity, Reason -First 20

    The day's files of every host, each scored by that host's own model.
#>
[CmdletBinding(DefaultParameterSetName = 'Remote')]
param(
    [Parameter(Mandatory, ParameterSetName = 'Remote')] [string[]] $ComputerName,
    [Parameter(Mandatory, ParameterSetName = 'Session')] [System.Management.Automation.Runspaces.PSSession[]] $Session,
    [Parameter(ParameterSetName = 'Remote')] [pscredential] $Credential,
    [Parameter(Mandatory, ParameterSetName = 'Remote')] [Parameter(Mandatory, ParameterSetName = 'Session')] [string] $InputPath,
    [Parameter(Mandatory, ParameterSetName = 'Local')] [string] $InputFolder,
    [Parameter(Mandatory)] [string] $ModelPath,
    [ValidateRange(1, 1024)] [int] $ThrottleLimit = 16,
    [switch] $IncludeNormal,
    [string] $ModulePath = 'PSAnomalyAE'
)

Set-StrictMode -Version 3.0

if ($PSCmdlet.ParameterSetName -ne 'Local') {
    # Runs on each host: its own model file and its own CSV; only the rows asked for come back.
    $scoreHere = {
        param([string] $ModulePath, [string] $ModelPath, [string] $InputPath, [bool] $IncludeNormal)
        $ErrorActionPreference = 'Stop'
        Import-Module $ModulePath
        $model = Import-AEModel -LiteralPath $ModelPath
        Import-Csv -LiteralPath $InputPath | Test-AEAnomaly -Model $model -IncludeModelName |
            Where-Object { $IncludeNormal -or $_.Anomaly } | Select-Object -Property * -ExcludeProperty TopFeatures
    }
    $remote = @{ ScriptBlock = $scoreHere; ArgumentList = $ModulePath, $ModelPath, $InputPath, $IncludeNormal.IsPresent; ThrottleLimit = $ThrottleLimit }
    if ($Session) { $remote.Session = $Session } else { $remote.ComputerName = $ComputerName }
    if ($Credential) { $remote.Credential = $Credential }
    Invoke-Command @remote | Select-Object -Property * -ExcludeProperty RunspaceId, PSShowComputerName
    return
}

# Local: one model for every host, or a folder of per-host models told apart by Name.
Import-Module $ModulePath
$callerPreference = $ErrorActionPreference
$ErrorActionPreference = 'Stop'
$models = @{}
if (Test-Path -LiteralPath $ModelPath -PathType Container) {
    foreach ($m in Import-AEModel -Path (Join-Path $ModelPath '*.aemodel')) { $models[$m.Name] = $m }
    Write-Verbose "Per-host models: $($models.Keys -join ', ')"
} else {
    $models['*'] = Import-AEModel -LiteralPath $ModelPath
}
$files = @(Get-ChildItem -LiteralPath $InputFolder -Filter *.csv -File)
if ($files.Count -eq 0) { throw "'$InputFolder' has no CSV files to score." }
$ErrorActionPreference = $callerPreference     # a host that fails is reported, and the others go on

$files | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
    $computer = $_.BaseName
    $models = $using:models
    $model = $models.Contains('*') ? $models['*'] : $models[$computer]
    try {
        if (-not $model) { throw "There is no model named '$computer' for '$($_.FullName)'." }
        Import-Module $using:ModulePath
        $includeNormal = $using:IncludeNormal
        Import-Csv -LiteralPath $_.FullName | Test-AEAnomaly -Model $model -IncludeModelName -ErrorAction Stop |
            Where-Object { $includeNormal -or $_.Anomaly } |
            Select-Object -Property @{ n = 'PSComputerName'; e = { $computer } }, * -ExcludeProperty TopFeatures
    } catch {
        Write-Error -Message "${computer}: $($_.Exception.Message)" -TargetObject $computer -Category $_.CategoryInfo.Category -ErrorId "HostFailed"
    }
}
