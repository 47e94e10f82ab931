# The native-memory stress suite: parallel work while another runspace forces full garbage collections every few
# milliseconds. Every case runs in its own pwsh (Stress.ps1), so a crash fails that case instead of the test run.
# CI runs a bounded version (2 runs of each case); the full suite is 30 runs of each:
#   $env:PSAE_STRESS_RUNS = 30; Invoke-Pester ./tests/Pester/Stress.Tests.ps1 -Tag Stress
BeforeDiscovery {
    $script:cases = @(
        @{ Case = 'CrossValidation'; What = 'Find-AELatentSize with its folds on parallel threads' }
        @{ Case = 'FileScan'; What = 'Test-AEAnomaly -Path -AnomaliesOnly | Export-Csv over a large file' }
        @{ Case = 'Parallel'; What = 'ForEach-Object -Parallel, four runspaces sharing one model' }
        @{ Case = 'TrainingJobs'; What = 'two ThreadJobs training at once' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:runs = if ($env:PSAE_STRESS_RUNS) { [int]$env:PSAE_STRESS_RUNS } else { 2 }
    $script:fileRows = if ($env:PSAE_STRESS_FILE_ROWS) { [int]$env:PSAE_STRESS_FILE_ROWS } else { 100000 }
    $script:pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
}

Describe 'Native memory under forced garbage collections' -Tag 'Stress' {
    It '<What>: no crash, and every run equals the serial result' -ForEach $cases {
        $json = & $pwsh -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'Stress.ps1') -Case $Case -Runs $runs -FileRows $fileRows -ModuleManifest $ModuleManifest 2>&1
        $exit = $LASTEXITCODE
        $text = ($json | Out-String).Trim()
        $exit | Should -Be 0 -Because "the child pwsh must not crash or fail: $text"
        $line = $json | Where-Object { $_ -is [string] -and $_.StartsWith('{') } | Select-Object -Last 1
        Write-Host "    $line"
        $result = $line | ConvertFrom-Json
        $result.Runs | Should -Be $runs
        $result.Values | Should -BeGreaterThan 0
        $result.Differed | Should -Be 0 -Because $text
    }
}
