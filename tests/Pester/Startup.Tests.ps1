BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

# Import-AEModel starts loading libtorch on a background thread once the file's checksum is verified, and the model's
# network is built there once libtorch is loaded, while the session goes on. What users rely on: help and tab
# completion never load it, the model comes back as before (also from several runspaces at once, with -Verbose), and a
# libtorch that cannot load stops the first command that needs it with the one error that says what to do.
Describe 'Loading libtorch while Import-AEModel parses the file' {
    BeforeAll {
        $model = Join-Path $TestDrive 'start.aemodel'
        $rowsCsv = Join-Path $TestDrive 'start.csv'
        $m = New-MetricRows -Count 60 | Invoke-AETraining -Epochs 1 -Seed 1
        Export-AEModel -Model $m -Path $model
        New-MetricRows -Count 3 | Export-Csv -LiteralPath $rowsCsv
        $m.Dispose()
    }

    It "is not done for help, -? or tab completion, and Import-AEModel gives the model, also in parallel$(if (-not $IsLinux) { ' (skipped: it reads /proc/PID/maps, on Linux only)' })" -Skip:(-not $IsLinux) {
        $r = Invoke-Pwsh @"
`$torch = { @(Get-Content /proc/`$PID/maps | Where-Object { `$_ -match 'libtorch_cpu' }).Count -gt 0 }
`$null = Get-Help Import-AEModel -Full
`$null = Import-AEModel -?
`$null = TabExpansion2 -inputScript 'Import-AEModel -Li'
`$null = TabExpansion2 -inputScript 'Test-AEAnomaly -Model `$m -Ex'
`$beforeUse = & `$torch
`$parallel = 1..3 | ForEach-Object -Parallel { (Import-AEModel -LiteralPath '$model').Name } -ThrottleLimit 3
`$verbose = Import-AEModel -LiteralPath '$model' -Verbose 4>&1
[pscustomobject]@{
    BeforeUse = `$beforeUse; AfterUse = (& `$torch); Parallel = @(`$parallel)
    Verbose = @(`$verbose | Where-Object { `$_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
    HasThreshold = (`$verbose | Where-Object { `$_ -isnot [Management.Automation.VerboseRecord] } | Select-Object -First 1).Threshold -gt 0
} | ConvertTo-Json
"@
        $r.BeforeUse | Should -BeFalse
        $r.AfterUse | Should -BeTrue
        $r.Parallel | Should -Be @('start', 'start', 'start')
        $r.Verbose | Should -Be "Loaded model 'start' from '$model'."
        $r.HasThreshold | Should -BeTrue
    }

    It 'lets a script that imports a model and ends at once end with its own exit code' {
        # The network is still being built (libtorch may still be loading) when such a script ends; the process waits
        # for that work before libtorch's static destructors run. Without the wait about one run in twenty died here of
        # a corrupted native heap (SIGABRT or SIGSEGV); two at a time, as a scheduler may start them.
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        $script = "Import-Module '$ModuleManifest' -ErrorAction Stop; `$m = Import-AEModel -LiteralPath '$model' -ErrorAction Stop; exit 7"
        $codes = foreach ($round in 1..8) {
            $runs = foreach ($i in 1, 2) {
                $start = [Diagnostics.ProcessStartInfo]::new($pwsh)
                foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $script) { $start.ArgumentList.Add($a) }
                $start.RedirectStandardError = $true
                [Diagnostics.Process]::Start($start)
            }
            foreach ($run in $runs) { $null = $run.StandardError.ReadToEnd(); $run.WaitForExit(); $run.ExitCode; $run.Dispose() }
        }
        $codes | Should -HaveCount 16
        @($codes | Where-Object { $_ -ne 7 }) | Should -BeNullOrEmpty -Because "every run ends with exit 7 (exit codes: $($codes -join ', '))"
    }

    It 'stops the first command that needs libtorch with the one native-runtime error when it cannot be loaded, and the session goes on' {
        if (-not $IsLinux) { Set-ItResult -Skipped -Because 'the broken copy is built with symbolic links'; return }
        # A copy of the module (links to its files) whose libLibTorchSharp.so is not a library.
        $copy = Join-Path $TestDrive 'broken/PSAnomalyAE-copy'
        $source = Split-Path $ModuleManifest
        foreach ($file in Get-ChildItem $source -File -Recurse) {
            $target = Join-Path $copy ([IO.Path]::GetRelativePath($source, $file.FullName))
            $null = New-Item -ItemType Directory -Force -Path (Split-Path $target)
            if ($file.Name -eq 'libLibTorchSharp.so') { Set-Content -LiteralPath $target -Value 'not a library' }
            else { $null = New-Item -ItemType SymbolicLink -Path $target -Target $file.FullName }
        }
        $script = @"
Import-Module '$(Join-Path $copy 'PSAnomalyAE.psd1')'
foreach (`$i in 1, 2) {
    `$m = Import-AEModel -LiteralPath '$model' -ErrorAction Stop
    `$m.Name
    try { `$null = Import-Csv -LiteralPath '$rowsCsv' | Test-AEAnomaly -Model `$m -ErrorAction Stop; 'no error' }
    catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category.ToString(); `$_.TargetObject; `$_.Exception.Message.Split([char]10)[0] }
    `$m.Dispose()
}
'session goes on'
"@
        $out = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $script
        $LASTEXITCODE | Should -Be 0
        $out | Should -HaveCount 11
        foreach ($at in 0, 5) {
            $out[$at] | Should -Be 'start'
            $out[$at + 1] | Should -Be 'NativeRuntimeLoadFailed,PSAnomalyAE.Commands.TestAEAnomalyCommand'
            $out[$at + 2] | Should -Be 'NotInstalled'
            $out[$at + 3] | Should -Be 'linux-x64'
            $out[$at + 4] | Should -BeLike 'The libtorch native runtime for linux-x64 could not be loaded*libLibTorchSharp.so*'
        }
        $out[10] | Should -Be 'session goes on'
        Join-Path $copy 'dependencies/cpu' | Should -Not -Exist
    }
}
