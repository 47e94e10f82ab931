#Requires -Version 7.4

<#
.SYNOPSIS
    The nightly job: scores the day's CSV file with a saved model and writes the anomalies to an alerts file.
.DESCRIPTION
    Made to run unattended (Task Scheduler, cron, a CI agent): no prompts, no console needed, and an exit code
    that says what happened:

        0  the run succeeded and found no anomalies (the alerts file is empty)
        1  the run succeeded and found anomalies (they are in the alerts file)
        2  the run failed (the message is on standard error; there is no alerts file)

    An alerts file that exists therefore always comes from a run that succeeded. The previous run's file is
    removed first, the new one is written under a temporary name in the same folder and renamed into place at the
    end, so a failed run (a missing or damaged model, an unreadable or empty CSV, too many bad rows, a full disk)
    never leaves yesterday's alerts looking like today's.

    Each alert is the input row with Score, ReconstructionError, NeighbourDistance (for models with the default
    score), Threshold, Anomaly, ScoreToThreshold, Severity, ScorePercentile, TopFeatures, Reason and ModelName added.

    Windows, Task Scheduler (Last Run Result 0x1 means "anomalies found", 0x2 "failed"):

        $action  = New-ScheduledTaskAction -Execute 'pwsh.exe' -Argument ('-NonInteractive -NoProfile -File C:\psae\Invoke-NightlyScoring.ps1 ' +
                   '-InputPath D:\metrics\today.csv -ModelPath D:\models\web.aemodel -AlertPath D:\alerts\alerts.csv')
        $trigger = New-ScheduledTaskTrigger -Daily -At 02:15
        Register-ScheduledTask -TaskName 'PSAnomalyAE nightly' -Action $action -Trigger $trigger -User 'NT AUTHORITY\NETWORK SERVICE'

    Linux, cron (standard error goes to the log; cron mails it if MAILTO is set):

        15 2 * * * pwsh -NonInteractive -NoProfile -File /opt/psae/Invoke-NightlyScoring.ps1 -InputPath /var/metrics/today.csv -ModelPath /srv/models/web.aemodel -AlertPath /var/alerts/alerts.csv >>/var/log/psae-nightly.log 2>&1
.PARAMETER InputPath
    The day's CSV file of rows to score.
.PARAMETER ModelPath
    The model file (from New-NightlyModel.ps1 or Export-AEModel).
.PARAMETER AlertPath
    The alerts CSV file to write; replaced on every run.
.PARAMETER MaxBadRows
    How many rows may fail to score (a value that is not a number, a missing value) before the run counts as
    failed. Bad rows are reported as warnings either way.
.PARAMETER ModulePath
    The module to import: its name (installed) or the path of its manifest.
.EXAMPLE
    pwsh -NonInteractive -NoProfile -File ./Invoke-NightlyScoring.ps1 -InputPath ./today.csv -ModelPath ./models/web.aemodel -AlertPath ./alerts.csv
    if ($LASTEXITCODE -eq 1) { Send-Alerts ./alerts.csv } elseif ($LASTEXITCODE -ne 0) { Send-Page 'nightly scoring failed' }
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $InputPath,
    [Parameter(Mandatory)] [string] $ModelPath,
    [Parameter(Mandatory)] [string] $AlertPath,
    [ValidateRange(0, [int]::MaxValue)] [int] $MaxBadRows = 0,
    [string] $ModulePath = 'PSAnomalyAE'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$temp = $null
try {
    # First of all: no stale alerts. If this fails (no permission), the run fails with exit code 2.
    $alerts = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($AlertPath)
    if (Test-Path -LiteralPath $alerts) { Remove-Item -LiteralPath $alerts -Force }

    Import-Module $ModulePath
    $model = Import-AEModel -LiteralPath $ModelPath
    $temp = Join-Path ([IO.Path]::GetDirectoryName($alerts)) ('.{0}.{1}.tmp' -f [IO.Path]::GetFileName($alerts), [guid]::NewGuid().ToString('N').Substring(0, 8))

    $scored = 0
    $flagged = 0
    $badRows = [Collections.ArrayList]::new()
    Import-Csv -LiteralPath $InputPath |
        Test-AEAnomaly -Model $model -IncludeModelName -ErrorAction SilentlyContinue -ErrorVariable +badRows |
        ForEach-Object { $scored++; if ($_.Anomaly) { $flagged++; $_ } } |
        Export-Csv -LiteralPath $temp -NoTypeInformation

    foreach ($bad in $badRows | Select-Object -First 10) { Write-Warning $bad.Exception.Message }
    if ($badRows.Count -gt $MaxBadRows) {
        throw "$($badRows.Count) rows of '$InputPath' could not be scored (at most $MaxBadRows may be); the first: $($badRows[0].Exception.Message)"
    }
    if ($scored -eq 0) {
        throw "'$InputPath' has no rows to score."
    }

    [IO.File]::Move($temp, $alerts, $true)
    $temp = $null
    '{0:u} {1}: {2} rows scored, {3} anomalies -> {4}' -f [datetime]::UtcNow, $model.Name, $scored, $flagged, $alerts
    exit ($flagged -gt 0 ? 1 : 0)
} catch {
    [Console]::Error.WriteLine("Invoke-NightlyScoring failed: $($_.Exception.Message) [$($_.FullyQualifiedErrorId)] $($_.InvocationInfo.PositionMessage)")
    exit 2
} finally {
    if ($temp -and (Test-Path -LiteralPath $temp)) { Remove-Item -LiteralPath $temp -Force -ErrorAction SilentlyContinue }
}
