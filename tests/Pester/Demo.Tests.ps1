BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
}

Describe 'The demo (build.ps1 Demo)' {
    It 'finds every injected incident with few false alarms, and the saved model scores identically' {
        $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
        $out = & $pwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'examples/Demo.ps1') -ModulePath $ModuleManifest -OutputFolder (Join-Path $TestDrive 'demo') *>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
        $out | Should -Match 'Found all 5 injected incidents'
        $out | Should -Not -Match 'MISSED'
        $out | Should -Match 'the reloaded copy scores identically: True'
        [double]([regex]::Match($out, 'false alarms: \d+ of \d+ normal rows \(([\d.]+) ?%\)').Groups[1].Value) | Should -BeLessThan 2
        Join-Path $TestDrive 'demo/flagged.csv' | Should -Exist
    }
}
