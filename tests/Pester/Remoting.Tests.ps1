# One model fanned out to several PowerShell remote sessions over SSH on loopback: a throwaway sshd on a spare port
# with its own host key, client key and config, started and stopped here. Skipped, with the reason, where sshd or
# ssh is missing (.ci/run installs openssh-server) or cannot start.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:skipReason = $null
    $script:sshd = $null
    $sshdPath = @('/usr/sbin/sshd', '/usr/bin/sshd', '/usr/local/sbin/sshd') | Where-Object { Test-Path $_ } | Select-Object -First 1
    if ($IsWindows) { $skipReason = 'The loopback SSH test runs on Linux and macOS only.' }
    elseif (-not $sshdPath) { $skipReason = 'sshd was not found (install openssh-server).' }
    elseif (-not (Get-Command ssh, ssh-keygen -CommandType Application -ErrorAction Ignore | Measure-Object).Count -eq 2) { $skipReason = 'ssh or ssh-keygen was not found (install openssh-client).' }
    if ($skipReason) { return }

    $dir = Join-Path ([IO.Path]::GetTempPath()) "psae-sshd-$PID"
    $null = New-Item -ItemType Directory -Force $dir
    & ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key" 2>&1 | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key" 2>&1 | Out-Null
    Copy-Item "$dir/client_key.pub" "$dir/authorized_keys"
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $script:port = $listener.LocalEndpoint.Port; $listener.Stop()
    $pwsh = Join-Path $PSHOME 'pwsh'
    @"
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
Subsystem powershell $pwsh -sshs -NoLogo -NoProfile
"@ | Set-Content "$dir/sshd_config"
    if (-not (Test-Path /run/sshd)) { $null = New-Item -ItemType Directory -Force /run/sshd -ErrorAction Ignore }
    $script:sshd = Start-Process -PassThru -FilePath $sshdPath -ArgumentList '-D', '-e', '-f', "$dir/sshd_config" -RedirectStandardError "$dir/sshd.log"
    $deadline = [datetime]::UtcNow.AddSeconds(10)
    $listening = $false
    while (-not $listening -and [datetime]::UtcNow -lt $deadline -and -not $sshd.HasExited) {
        try { $c = [Net.Sockets.TcpClient]::new('127.0.0.1', $port); $c.Dispose(); $listening = $true } catch { Start-Sleep -Milliseconds 100 }
    }
    if (-not $listening) {
        $skipReason = "sshd could not start on 127.0.0.1:${port}: " + ((Get-Content "$dir/sshd.log" -ErrorAction Ignore) -join ' ')
        return
    }
    $script:sessionOptions = @{
        HostName = '127.0.0.1'; Port = $port; UserName = [Environment]::UserName; KeyFilePath = "$dir/client_key"
        Options = @{ StrictHostKeyChecking = 'no'; UserKnownHostsFile = '/dev/null'; LogLevel = 'ERROR' }
    }
    $script:model = New-MetricRows -Count 300 -Seed 1 | Invoke-AETraining -Model (New-AEModel -Epochs 5) -Seed 1
    $script:rows = @(New-MetricRows -Count 50 -Seed 2)
}

AfterAll {
    if ($sessions) { $sessions | Remove-PSSession }
    if ($sshd -and -not $sshd.HasExited) { Stop-Process -Id $sshd.Id }
    if ($dir -and (Test-Path $dir)) { Remove-Item -Recurse -Force $dir }
}

Describe 'Remote sessions over SSH on loopback' {
    It 'score one model sent to three sessions exactly as it scores here' {
        if ($skipReason) { Set-ItResult -Skipped -Because $skipReason; return }
        $script:sessions = 1..3 | ForEach-Object { New-PSSession @sessionOptions -ErrorAction Stop }
        $remote = Invoke-Command -Session $sessions -ArgumentList $model, $rows, $ModuleManifest -ScriptBlock {
            param($model, $rows, $manifest)
            Import-Module $manifest -ErrorAction Stop
            [pscustomobject]@{ Process = $PID; Errors = @(($rows | Test-AEAnomaly -Model $model).Score) }
        }
        $expected = @(($rows | Test-AEAnomaly -Model $model).Score)
        @($remote).Count | Should -Be 3
        @($remote.Process | Sort-Object -Unique).Count | Should -Be 3
        $remote.Process | Should -Not -Contain $PID
        foreach ($r in $remote) { $r.Errors | Should -Be $expected }

        # A model trained on the other side comes back as a live model.
        $back = Invoke-Command -Session $sessions[0] -ArgumentList $model -ScriptBlock { param($m) $m }
        ($rows | Test-AEAnomaly -Model $back).Score | Should -Be $expected
    }
}
