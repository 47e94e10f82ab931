# The README's PowerShell examples run here, in order, against CSV files like the ones they name.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $RepoRoot 'examples/New-ServerMetrics.ps1')
}

Describe 'README.md examples' {
    It 'run as written' {
        $work = Join-Path $TestDrive 'readme'
        $null = New-Item -ItemType Directory -Force -Path $work
        $rows = New-ServerMetrics -Days 14 -Seed 3
        $start = [datetime]$rows[0].timestamp
        $rows | Where-Object { [datetime]$_.timestamp -lt $start.AddDays(9) } | Export-Csv (Join-Path $work 'normal.csv')
        $rows | Where-Object { $t = [datetime]$_.timestamp; $t -ge $start.AddDays(9) -and $t -lt $start.AddDays(11) } | Export-Csv (Join-Path $work 'validation.csv')
        $recent = $rows | Where-Object { [datetime]$_.timestamp -ge $start.AddDays(11) }
        $recent | Export-Csv (Join-Path $work 'today.csv')
        $recent | Select-Object *, @{ n = 'is_incident'; e = { [int][bool]$_.incident } } -ExcludeProperty incident | Export-Csv (Join-Path $work 'labelled.csv')
        # Two hosts for the fleet example: the same generator with another seed, and a host column.
        $fleet = foreach ($h in @{ Name = 'web01'; Rows = $rows }, @{ Name = 'web02'; Rows = (New-ServerMetrics -Days 14 -Seed 4) }) {
            $h.Rows | Select-Object @{ n = 'host'; e = { $h.Name } }, *
        }
        $fleet | Where-Object { [datetime]$_.timestamp -lt $start.AddDays(9) } | Export-Csv (Join-Path $work 'fleet-normal.csv')
        $fleet | Where-Object { [datetime]$_.timestamp -ge $start.AddDays(11) } | Export-Csv (Join-Path $work 'fleet-today.csv')

        # Every ```powershell block of the README except the set-up one that imports from ./out.
        $readme = Get-Content -Raw (Join-Path $RepoRoot 'README.md')
        $blocks = [regex]::Matches($readme, '(?ms)^( *)```powershell\r?\n(.*?)^\1```') | ForEach-Object {
            $indent = $_.Groups[1].Value.Length
            ($_.Groups[2].Value -split '\r?\n' | ForEach-Object { if ($_.Length -ge $indent) { $_.Substring($indent) } else { $_ } }) -join "`n"
        } | Where-Object { $_ -notmatch 'Import-Module' }
        # The scheduled task is a script of its own (it ends with exit): it runs after the others, as a scheduler runs it.
        $task = @($blocks | Where-Object { $_ -match '^# nightly\.ps1' })
        $task | Should -HaveCount 1
        $blocks = @($blocks | Where-Object { $_ -notmatch '^# nightly\.ps1' })
        $blocks.Count | Should -BeGreaterOrEqual 6
        $script = "`$ErrorActionPreference = 'Stop'`nSet-Location '$work'`nImport-Module '$ModuleManifest'`n" + ($blocks -join "`n") + "`n'README-OK'"
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        $out = & $pwsh -NoProfile -NonInteractive -Command $script *>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
        $out | Should -Match 'README-OK'
        Set-Content -LiteralPath (Join-Path $work 'nightly.ps1') -Value $task[0]
        $env:PSModulePath, $saved = ((Split-Path $ModuleManifest | Split-Path) + [IO.Path]::PathSeparator + $env:PSModulePath), $env:PSModulePath
        try {
            $job = Start-Process -FilePath $pwsh -ArgumentList '-NonInteractive', '-NoProfile', '-File', (Join-Path $work 'nightly.ps1') -WorkingDirectory $work -Wait -PassThru -RedirectStandardError (Join-Path $TestDrive 'nightly.err')
        }
        finally { $env:PSModulePath = $saved }
        $job.ExitCode | Should -Be 1 -Because (Get-Content -Raw (Join-Path $TestDrive 'nightly.err'))   # anomalies found
        Join-Path $work 'models/web.aemodel' | Should -Exist
        Join-Path $work 'roc.png' | Should -Exist
        @(Import-Csv (Join-Path $work 'alerts.csv')).Count | Should -BeGreaterThan 0
    }
}
