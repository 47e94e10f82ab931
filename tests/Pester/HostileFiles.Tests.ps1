# Files a nightly job may be handed or write to: devices, FIFOs, symbolic links, full disks and read-only folders.
# Every call that could hang (a FIFO) or end the process (a full disk) runs in a child pwsh with a time limit, so a
# regression fails the test instead of stopping the run.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $model = New-MetricRows -Count 200 -Seed 1 | Invoke-AETraining -Seed 1 -Epochs 3 -Scoring Reconstruction
    $modelFile = Join-Path $TestDrive 'good.aemodel'
    Export-AEModel -Model $model -Path $modelFile
    $weightsFile = Join-Path $TestDrive 'good.safetensors'
    Export-AEModel -Model $model -Format PyTorch -Path $weightsFile
    $script:Mounts = [Collections.Generic.List[string]]::new()

    function Invoke-Bounded {
        <# Runs a script in a child pwsh with the module imported; kills it after $Seconds. Gives its output and whether it timed out. #>
        param([Parameter(Mandatory)] [string] $Script, [int] $Seconds = 90)
        $psi = [Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')))
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$ModuleManifest' -ErrorAction Stop`n$Script") {
            $psi.ArgumentList.Add($a)
        }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $p = [Diagnostics.Process]::Start($psi)
        $out = $p.StandardOutput.ReadToEndAsync()
        $err = $p.StandardError.ReadToEndAsync()
        $timedOut = -not $p.WaitForExit($Seconds * 1000)
        if ($timedOut) { $p.Kill($true) }
        $p.WaitForExit()
        [pscustomobject]@{ TimedOut = $timedOut; ExitCode = $p.ExitCode; Output = $out.Result.Trim(); Error = $err.Result }
    }

    function Get-ErrorIdBounded {
        <# The FullyQualifiedErrorId of $Call (a command line) run in a child pwsh, 'NoError' without one; fails on a timeout or a slow refusal. #>
        param([Parameter(Mandatory)] [string] $Call)
        $r = Invoke-Bounded -Seconds 90 -Script @"
`$sw = [Diagnostics.Stopwatch]::StartNew()
try { `$null = $Call -ErrorAction Stop; 'NoError' } catch { `$_.FullyQualifiedErrorId }
if (`$sw.Elapsed.TotalSeconds -gt 20) { 'Slow' }
"@
        $r.TimedOut | Should -BeFalse -Because "'$Call' must not hang"
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $r.Output
    }

    function Mount-SmallTmpfs {
        <# Mounts a tmpfs of 64 KB (read-only with -ReadOnly) at a new folder; gives the reason it cannot, or $null. #>
        param([Parameter(Mandatory)] [string] $Dir, [switch] $ReadOnly)
        $null = New-Item -ItemType Directory -Path $Dir -Force
        if ($IsWindows -or $IsMacOS) { return 'a tmpfs mount needs Linux' }
        if ((id -u) -ne '0') { return 'mounting a tmpfs needs root' }
        $options = $ReadOnly ? 'size=64k,ro' : 'size=64k'
        $msg = & mount -t tmpfs -o $options tmpfs $Dir 2>&1
        if ($LASTEXITCODE -ne 0) { return "mount failed: $msg" }
        $script:Mounts.Add($Dir)
        $null
    }

    function Fill-Disk {
        <# Writes a filler file in $Dir until the file system is full. #>
        param([Parameter(Mandatory)] [string] $Dir)
        $block = [byte[]]::new(4096)
        $file = [IO.FileStream]::new((Join-Path $Dir 'filler'), 'Create', 'Write', 'None', 1)
        try {
            while ($true) { $file.Write($block, 0, $block.Length) }
        } catch [IO.IOException] {
        } finally {
            try { $file.Dispose() } catch [IO.IOException] { }
        }
    }

    function Get-FileType([string] $Path) { (& stat -c '%F' -- $Path) }
}

AfterAll {
    foreach ($dir in $script:Mounts) { & umount $dir 2>&1 | Out-Null }
}

Describe "Reading a device or a FIFO$(if ($IsWindows) { ' (skipped: no FIFOs or device files on Windows)' })" -Skip:($IsWindows) {
    BeforeAll {
        $fifo = Join-Path $TestDrive 'pipe'
        & mkfifo $fifo
    }

    It 'refuses <What> quickly for <Call>' -ForEach @(
        @{ What = '/dev/zero'; Call = "Import-AEModel -LiteralPath '/dev/zero'"; Id = 'ModelReadFailed,PSAnomalyAE.Commands.ImportAEModelCommand' }
        @{ What = '/dev/zero'; Call = "Get-AEModelInfo -LiteralPath '/dev/zero'"; Id = 'ModelReadFailed,PSAnomalyAE.Commands.GetAEModelInfoCommand' }
        @{ What = '/dev/zero'; Call = "Import-AEModel -PyTorch '/dev/zero' -Config '{CONFIG}'"; Id = 'ModelReadFailed,PSAnomalyAE.Commands.ImportAEModelCommand' }
        @{ What = '/dev/zero'; Call = "Import-AEModel -PyTorch '{WEIGHTS}' -Config '/dev/zero'"; Id = 'ModelReadFailed,PSAnomalyAE.Commands.ImportAEModelCommand' }
        @{ What = 'a FIFO'; Call = "Import-AEModel -LiteralPath '{FIFO}'"; Id = 'ModelReadFailed,PSAnomalyAE.Commands.ImportAEModelCommand' }
        @{ What = 'a FIFO'; Call = "Get-AEModelInfo -LiteralPath '{FIFO}'"; Id = 'ModelReadFailed,PSAnomalyAE.Commands.GetAEModelInfoCommand' }
        @{ What = 'a FIFO'; Call = "Import-AEModel -PyTorch '{FIFO}' -Config '{CONFIG}'"; Id = 'ModelReadFailed,PSAnomalyAE.Commands.ImportAEModelCommand' }
        @{ What = 'a FIFO'; Call = "Import-AEModel -PyTorch '{WEIGHTS}' -Config '{FIFO}'"; Id = 'ModelReadFailed,PSAnomalyAE.Commands.ImportAEModelCommand' }
        @{ What = 'a FIFO'; Call = "Test-AEAnomaly -Model (Import-AEModel '{MODEL}') -Path '{FIFO}'"; Id = 'FileReadFailed,PSAnomalyAE.Commands.TestAEAnomalyCommand' }
        @{ What = '/dev/zero'; Call = "Test-AEAnomaly -Model (Import-AEModel '{MODEL}') -Path '/dev/zero'"; Id = 'FileReadFailed,PSAnomalyAE.Commands.TestAEAnomalyCommand' }
    ) {
        $line = $Call.Replace('{FIFO}', $fifo).Replace('{CONFIG}', [IO.Path]::ChangeExtension($weightsFile, '.json')).Replace('{WEIGHTS}', $weightsFile).Replace('{MODEL}', $modelFile)
        Get-ErrorIdBounded $line | Should -Be $Id
    }

    It 'says what the file is' {
        { Import-AEModel -LiteralPath '/dev/zero' -ErrorAction Stop } | Should -Throw "*'/dev/zero' is a device, not a regular file*"
    }
}

Describe "Writing onto a device, a FIFO or a symbolic link$(if ($IsWindows) { ' (skipped: no FIFOs or device files on Windows)' })" -Skip:($IsWindows) {
    It 'Export-AEModel -Force refuses <What> and leaves it as it was' -ForEach @(
        @{ What = 'a character device'; Make = { param($p) & mknod $p c 1 3 2>&1; $LASTEXITCODE -eq 0 }; Type = 'character special file' }
        @{ What = 'a FIFO'; Make = { param($p) & mkfifo $p 2>&1; $LASTEXITCODE -eq 0 }; Type = 'fifo' }
    ) {
        $node = Join-Path $TestDrive ("node-" + [guid]::NewGuid().ToString('N').Substring(0, 6) + '.aemodel')
        if (-not (& $Make $node)) { Set-ItResult -Skipped -Because "$What cannot be made here"; return }
        { Export-AEModel -Model $model -Path $node -Force -ErrorAction Stop } | Should -Throw -ErrorId 'NotARegularFile,PSAnomalyAE.Commands.ExportAEModelCommand'
        Get-FileType $node | Should -Be $Type
    }

    It '-PlotPath onto a symbolic link replaces the link and leaves the file it pointed to untouched' {
        $real = Join-Path $TestDrive 'real.svg'
        Set-Content -LiteralPath $real -Value 'keep me'
        $link = Join-Path $TestDrive 'link.svg'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $real
        $null = New-MetricRows -Count 100 -Seed 2 | Invoke-AETraining -Epochs 2 -Seed 1 -PlotPath $link
        Get-Content -LiteralPath $real | Should -Be 'keep me'
        (Get-Item -LiteralPath $link).LinkTarget | Should -BeNullOrEmpty
        Get-Content -Raw -LiteralPath $link | Should -BeLike '*<svg*'
    }

    It 'Export-AEModel -Force onto a symbolic link to a read-only file replaces the link, not the file' {
        $real = Join-Path $TestDrive 'real.aemodel'
        Set-Content -LiteralPath $real -Value 'keep me'
        (Get-Item -LiteralPath $real).IsReadOnly = $true
        $link = Join-Path $TestDrive 'link.aemodel'
        $null = New-Item -ItemType SymbolicLink -Path $link -Target $real
        Export-AEModel -Model $model -Path $link -Force
        Get-Content -LiteralPath $real | Should -Be 'keep me'
        (Get-Item -LiteralPath $real).IsReadOnly | Should -BeTrue
        (Import-AEModel -LiteralPath $link).IsTrained | Should -BeTrue
    }
}

Describe 'Output paths checked before the work starts' {
    It '<Command> -StatePath that is a directory is refused before any row is scored' -ForEach @(
        @{ Command = 'Test-AEAnomaly' }
        @{ Command = 'Measure-AEReconstructionError' }
    ) {
        $dir = Join-Path $TestDrive "state-dir-$Command"
        $null = New-Item -ItemType Directory -Path $dir
        $out = [Collections.Generic.List[object]]::new()
        $err = $null
        try { New-MetricRows -Count 20 -Seed 3 | & $Command -Model $model -StatePath $dir -ErrorAction Stop | ForEach-Object { $out.Add($_) } } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'PathIsDirectory,*'
        $out.Count | Should -Be 0
    }

    It "-StatePath in a read-only folder is refused before any row is scored$(if ($IsWindows) { ' (skipped: it mounts a read-only tmpfs, not on Windows)' })" -Skip:($IsWindows) {
        $dir = Join-Path $TestDrive 'ro'
        if ($why = Mount-SmallTmpfs $dir -ReadOnly) { Set-ItResult -Skipped -Because $why; return }
        $out = [Collections.Generic.List[object]]::new()
        $err = $null
        try { New-MetricRows -Count 20 -Seed 3 | Test-AEAnomaly -Model $model -StatePath (Join-Path $dir 'state.json') -ErrorAction Stop | ForEach-Object { $out.Add($_) } } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'FolderNotWritable,PSAnomalyAE.Commands.TestAEAnomalyCommand'
        $out.Count | Should -Be 0
    }

    It '<Command> -PlotPath in a missing folder or onto a directory is refused before the work' -ForEach @(
        @{ Command = 'Invoke-AETraining'; Run = { param($p) New-MetricRows -Count 100 -Seed 2 | Invoke-AETraining -Epochs 500 -Patience 500 -PlotPath $p -ErrorAction Stop } }
        @{ Command = 'Find-AEThreshold'; Run = { param($p) 1..50 | ForEach-Object { [double]$_ } | Find-AEThreshold -Sigma 3 -PlotPath $p -ErrorAction Stop } }
        @{ Command = 'Find-AELatentSize'; Run = { param($p) New-MetricRows -Count 100 -Seed 2 | Find-AELatentSize -LatentSize 1, 2 -Folds 2 -Epochs 300 -PlotPath $p -ErrorAction Stop } }
    ) {
        $sw = [Diagnostics.Stopwatch]::StartNew()
        { & $Run (Join-Path $TestDrive "missing/$Command.svg") } | Should -Throw -ErrorId "FolderNotFound,*"
        $dir = Join-Path $TestDrive "$Command.svg"
        $null = New-Item -ItemType Directory -Path $dir
        { & $Run $dir } | Should -Throw -ErrorId "PathIsDirectory,*"
        $sw.Elapsed.TotalSeconds | Should -BeLessThan 10 -Because 'nothing is trained before the path is checked'
    }
}

Describe "A full disk$(if ($IsWindows) { ' (skipped: it mounts a small tmpfs, not on Windows)' })" -Skip:($IsWindows) {
    BeforeAll {
        $full = Join-Path $TestDrive 'full'
        $script:why = Mount-SmallTmpfs $full
        if (-not $why) {
            $oldPlot = Join-Path $full 'history.svg'
            Set-Content -LiteralPath $oldPlot -Value 'old picture'
            $oldModel = Join-Path $full 'model.aemodel'
            Set-Content -LiteralPath $oldModel -Value 'old model'
            $oldConfig = Join-Path $full 'pair.json'
            Set-Content -LiteralPath $oldConfig -Value 'old config'
            Fill-Disk $full
        }
    }

    It 'Invoke-AETraining -PlotPath: the process survives with one error record and the old picture is kept' {
        # 1000 epochs make a picture of about 150 KB, more than a file stream buffers, so a writer that streamed the
        # SVG from SkiaSharp's drawing would meet the full disk inside SkiaSharp's native callback.
        if ($why) { Set-ItResult -Skipped -Because $why; return }
        $r = Invoke-Bounded -Seconds 120 -Script @"
`$rows = 1..100 | ForEach-Object { [pscustomobject]@{ a = `$_ % 7; b = (`$_ % 7) * 2 + (`$_ % 3); c = `$_ % 5 } }
`$errors = @()
try { `$null = `$rows | Invoke-AETraining -Epochs 1000 -Patience 1000 -Seed 1 -PlotPath '$oldPlot' -ErrorAction Stop } catch { `$errors += `$_.FullyQualifiedErrorId }
`$errors -join ';'
'alive'
"@
        $r.TimedOut | Should -BeFalse
        $r.ExitCode | Should -Be 0 -Because $r.Error
        $lines = $r.Output -split '\r?\n'
        $lines[0] | Should -Be 'PlotWriteFailed,PSAnomalyAE.Commands.InvokeAETrainingCommand'
        $lines[-1] | Should -Be 'alive'
        Get-Content -LiteralPath $oldPlot | Should -Be 'old picture'
        Get-ChildItem -Force -LiteralPath $full -Filter '.history.svg.*' | Should -BeNullOrEmpty
    }

    It 'Export-AEModel -Force: an error, and the old model file is kept' {
        if ($why) { Set-ItResult -Skipped -Because $why; return }
        { Export-AEModel -Model $model -Path $oldModel -Force -ErrorAction Stop } | Should -Throw -ErrorId 'ModelWriteFailed,PSAnomalyAE.Commands.ExportAEModelCommand'
        Get-Content -LiteralPath $oldModel | Should -Be 'old model'
        Get-ChildItem -Force -LiteralPath $full -Filter '.model.aemodel.*' | Should -BeNullOrEmpty
    }

    It 'Export-AEModel -Format PyTorch writes both files or neither' {
        if ($why) { Set-ItResult -Skipped -Because $why; return }
        # The weights go to a folder with room, the config to the full one: the config cannot be written.
        $weights = Join-Path $TestDrive 'pair.safetensors'
        Set-Content -LiteralPath $weights -Value 'old weights'
        $config = $oldConfig
        $other = New-MetricRows -Count 200 -Seed 5 | Invoke-AETraining -Seed 5 -Epochs 2 -Scoring Reconstruction
        { Export-AEModel -Model $other -Format PyTorch -Path $weights -ConfigPath $config -Force -ErrorAction Stop } | Should -Throw -ErrorId 'ModelWriteFailed,*'
        Get-Content -LiteralPath $weights | Should -Be 'old weights'
        Get-Content -LiteralPath $config | Should -Be 'old config'
        Get-ChildItem -Force -LiteralPath $TestDrive -Filter '.pair.safetensors.*' | Should -BeNullOrEmpty
    }
}
