# The nightly-job examples and the README's scheduled task, run as a scheduler runs them: a new
# pwsh -NonInteractive -NoProfile -File, standard input closed, no console; the module found by PSModulePath.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    function Invoke-ScheduledScript {
        param([Parameter(Mandatory)] [string] $File, [string[]] $ArgumentList = @(), [Parameter(Mandatory)] [string] $WorkingDirectory)
        $psi = [Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')))
        foreach ($a in @('-NonInteractive', '-NoProfile', '-File', $File) + $ArgumentList) { $psi.ArgumentList.Add($a) }
        $psi.WorkingDirectory = $WorkingDirectory
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.Environment['PSModulePath'] = (Split-Path $ModuleManifest | Split-Path) + [IO.Path]::PathSeparator + $env:PSModulePath
        $p = [Diagnostics.Process]::Start($psi)
        $p.StandardInput.Close()
        $err = $p.StandardError.ReadToEndAsync()
        $out = $p.StandardOutput.ReadToEnd()
        $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $out; Error = $err.Result }
    }

    $examples = Join-Path $RepoRoot 'examples'
    $work = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'job')).FullName
    $null = New-Item -ItemType Directory -Force -Path (Join-Path $work 'models')
    New-MetricRows -Count 500 -Seed 1 | Export-Csv (Join-Path $work 'normal.csv')
    New-MetricRows -Count 200 -Seed 2 -Start 500 | Export-Csv (Join-Path $work 'validation.csv')
    $modelFile = Join-Path $work 'models/web.aemodel'
    $alerts = Join-Path $work 'alerts.csv'
    $score = Join-Path $examples 'Invoke-NightlyScoring.ps1'

    function Set-StaleAlerts {
        Set-Content -LiteralPath $alerts -Value '"timestamp","Reason"', '"yesterday","stale"'
    }
}

Describe 'The nightly-job examples' {
    It 'New-NightlyModel.ps1 trains, chooses the threshold and saves the model, with exit code 0' {
        $r = Invoke-ScheduledScript -WorkingDirectory $work -File (Join-Path $examples 'New-NightlyModel.ps1') -ArgumentList @(
            '-TrainingPath', 'normal.csv', '-ValidationPath', 'validation.csv', '-ModelPath', $modelFile,
            '-ExcludeProperty', 'timestamp,host', '-Epochs', '30', '-Seed', '1')
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $modelFile | Should -Exist
        $r.Output | Should -BeLike 'web: * rows, threshold *Percentile 99.5*'
    }

    It 'New-NightlyModel.ps1 checks the model folder before it trains, with exit code 2' {
        $r = Invoke-ScheduledScript -WorkingDirectory $work -File (Join-Path $examples 'New-NightlyModel.ps1') -ArgumentList @(
            '-TrainingPath', 'normal.csv', '-ModelPath', 'no-such-folder/web.aemodel', '-ExcludeProperty', 'timestamp,host', '-Epochs', '30', '-Seed', '1')
        $r.ExitCode | Should -Be 2
        $r.Error | Should -BeLike "New-NightlyModel failed: The folder of -ModelPath, '*no-such-folder', does not exist; create it first.*"
    }

    Context 'Invoke-NightlyScoring.ps1' {
        BeforeAll {
            $model = Import-AEModel -LiteralPath $modelFile
            # A quiet day: normal rows the model reconstructs well; an incident day adds rows that break the metrics' relationships.
            $quiet = @(New-MetricRows -Count 100 -Seed 3 -Start 700 | Measure-AEReconstructionError -Model $model |
                Where-Object Score -LT ($model.Threshold / 2) | Select-Object timestamp, host, cpu_pct, requests_per_s, memory_pct, latency_ms)
            $quiet | Export-Csv (Join-Path $work 'quiet.csv')
            $incident = $quiet + @(
                [pscustomobject]@{ timestamp = '2026-02-01T03:00:00'; host = 'web1'; cpu_pct = '99'; requests_per_s = '105'; memory_pct = '50'; latency_ms = '400' }
                [pscustomobject]@{ timestamp = '2026-02-01T03:05:00'; host = 'web1'; cpu_pct = '98'; requests_per_s = '101'; memory_pct = '51'; latency_ms = '420' })
            $incident | Export-Csv (Join-Path $work 'incident.csv')
        }

        It 'exits 0 and writes an empty alerts file on a quiet day' {
            $quiet.Count | Should -BeGreaterThan 20
            Set-StaleAlerts
            $r = Invoke-ScheduledScript -WorkingDirectory $work -File $score -ArgumentList '-InputPath', 'quiet.csv', '-ModelPath', $modelFile, '-AlertPath', 'alerts.csv'
            $r.ExitCode | Should -Be 0 -Because $r.Error
            $r.Output | Should -BeLike "*web: $($quiet.Count) rows scored, 0 anomalies*"
            @(Import-Csv $alerts) | Should -HaveCount 0
        }

        It 'exits 1 and writes the anomalies, each naming its model, when there are some' {
            $r = Invoke-ScheduledScript -WorkingDirectory $work -File $score -ArgumentList '-InputPath', 'incident.csv', '-ModelPath', $modelFile, '-AlertPath', 'alerts.csv'
            $r.ExitCode | Should -Be 1 -Because $r.Error
            $found = @(Import-Csv $alerts)
            $found.timestamp | Should -Be '2026-02-01T03:00:00', '2026-02-01T03:05:00'
            $found.ModelName | Should -Be 'web', 'web'
            $found[0].Reason | Should -BeLike '* anomaly (score *x threshold): *'
        }

        It 'exits 2 and leaves no alerts file when <Case>' -ForEach @(
            @{ Case = 'the model file is missing'; Arguments = @('-InputPath', 'quiet.csv', '-ModelPath', 'models/none.aemodel'); Says = '*ModelFileNotFound*' }
            @{ Case = 'a row cannot be scored'; Arguments = @('-InputPath', 'bad.csv'); Says = "*1 rows of 'bad.csv' could not be scored*row 2*" }
        ) {
            $rows = @(Import-Csv (Join-Path $work 'quiet.csv'))
            $rows[1].cpu_pct = 'n/a'
            $rows | Export-Csv (Join-Path $work 'bad.csv')
            Set-StaleAlerts
            $arguments = $Arguments + $(if ($Arguments -notcontains '-ModelPath') { '-ModelPath', $modelFile }) + '-AlertPath', 'alerts.csv'
            $r = Invoke-ScheduledScript -WorkingDirectory $work -File $score -ArgumentList $arguments
            $r.ExitCode | Should -Be 2
            $r.Error | Should -BeLike "Invoke-NightlyScoring failed: $Says"
            $alerts | Should -Not -Exist
            Get-ChildItem -LiteralPath $work -Filter '*.tmp' -Force | Should -BeNullOrEmpty
        }
    }
}

Describe "The README's scheduled task" {
    BeforeAll {
        # The script exactly as README.md shows it, run from a folder with a model, as a scheduler runs it.
        $readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')
        $task = [regex]::Match($readme, '(?ms)^## Scheduled tasks.*?^```powershell\r?\n(.*?)^```').Groups[1].Value
        $taskDir = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'readme-task')).FullName
        $null = New-Item -ItemType Directory -Force -Path (Join-Path $taskDir 'models')
        Set-Content -LiteralPath (Join-Path $taskDir 'nightly.ps1') -Value $task
        $taskModel = Join-Path $taskDir 'models/web.aemodel'
        $taskAlerts = Join-Path $taskDir 'alerts.csv'

        function Invoke-Task([object[]] $Today, [string] $TodayText) {
            if ($TodayText) { Set-Content -LiteralPath (Join-Path $taskDir 'today.csv') -Value $TodayText }
            else { $Today | Export-Csv (Join-Path $taskDir 'today.csv') }
            Set-Content -LiteralPath $taskAlerts -Value '"timestamp","Reason"', '"yesterday","stale"'
            Invoke-ScheduledScript -WorkingDirectory $taskDir -File (Join-Path $taskDir 'nightly.ps1')
        }
    }

    It 'is a script that gives its exit code one meaning, as Invoke-NightlyScoring.ps1 does' {
        $task | Should -Match 'Import-AEModel'
        $task | Should -Match 'exit 2'
    }

    It 'exits 2, with the reason and no alerts file, when the model file is missing' {
        Remove-Item -LiteralPath $taskModel -ErrorAction Ignore
        $r = Invoke-Task (New-MetricRows -Count 20 -Seed 5)
        $r.ExitCode | Should -Be 2
        $r.Error | Should -BeLike 'Nightly scoring failed: *web.aemodel*does not exist*'
        $taskAlerts | Should -Not -Exist
    }

    Context 'with a good model' {
        BeforeAll {
            $good = New-MetricRows -Count 500 -Seed 1 | Invoke-AETraining -ExcludeProperty timestamp, host -Epochs 30 -Seed 1
            Export-AEModel -Model $good -Path $taskModel
            $quietRows = @(New-MetricRows -Count 60 -Seed 3 -Start 700 | Measure-AEReconstructionError -Model $good |
                Where-Object Score -LT ($good.Threshold / 2) | Select-Object timestamp, host, cpu_pct, requests_per_s, memory_pct, latency_ms)
            $incidentRows = $quietRows + @(
                [pscustomobject]@{ timestamp = '2026-02-01T03:00:00'; host = 'web1'; cpu_pct = '99'; requests_per_s = '105'; memory_pct = '50'; latency_ms = '400' }
                [pscustomobject]@{ timestamp = '2026-02-01T03:05:00'; host = 'web1'; cpu_pct = '98'; requests_per_s = '101'; memory_pct = '51'; latency_ms = '420' })
        }

        It 'exits 0 with an empty alerts file on a quiet day, and 1 with the anomalies on an incident day' {
            $quietRows.Count | Should -BeGreaterThan 10
            $r = Invoke-Task $quietRows
            $r.ExitCode | Should -Be 0 -Because $r.Error
            @(Import-Csv $taskAlerts) | Should -HaveCount 0
            $r = Invoke-Task $incidentRows
            $r.ExitCode | Should -Be 1 -Because $r.Error
            @(Import-Csv $taskAlerts).timestamp | Should -Be '2026-02-01T03:00:00', '2026-02-01T03:05:00'
        }

        It 'exits 2, with the reason and no alerts file, on a bad row' {
            $rows = @(New-MetricRows -Count 20 -Seed 5)
            $rows[3].cpu_pct = 'n/a?'
            $r = Invoke-Task $rows
            $r.ExitCode | Should -Be 2
            $r.Error | Should -BeLike "Nightly scoring failed: Row 4: column 'cpu_pct' is 'n/a?'*"
            $taskAlerts | Should -Not -Exist
            Join-Path $taskDir 'alerts.csv.tmp' | Should -Not -Exist
        }

        It 'exits 2, saying so and with no alerts file, on a file with a header and no rows' {
            $r = Invoke-Task -TodayText 'timestamp,host,cpu_pct,requests_per_s,memory_pct,latency_ms'
            $r.ExitCode | Should -Be 2
            $r.Error | Should -BeLike 'Nightly scoring failed: ./today.csv has no rows to score.*'
            $taskAlerts | Should -Not -Exist
        }
    }
}
