BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $model = New-MetricRows -Count 400 -Seed 1 | Invoke-AETraining -Seed 1 -Epochs 10
    $rows = @(New-MetricRows -Count 4000 -Seed 2)
    $serial = ($rows | Measure-AEReconstructionError -Model $model).Score
}

Describe 'Scoring one model from several runspaces' {
    It 'gives exactly the serial results with ForEach-Object -Parallel' {
        $chunks = 0..7 | ForEach-Object { , $rows[($_ * 500)..($_ * 500 + 499)] }
        $manifest = $ModuleManifest
        $parallel = $chunks | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:manifest
            [pscustomobject]@{ First = $_[0].timestamp; Errors = @(($_ | Measure-AEReconstructionError -Model $using:model).Score) }
        } | Sort-Object First
        ($parallel | ForEach-Object { $_.Errors }) | Should -Be $serial
    }

    It 'gives exactly the serial results with Start-ThreadJob' {
        $manifest = $ModuleManifest
        $jobs = 0..3 | ForEach-Object {
            $part = $rows[($_ * 1000)..($_ * 1000 + 999)]
            Start-ThreadJob -ArgumentList $manifest, $model, $part -ScriptBlock {
                param($manifest, $model, $part)
                Import-Module $manifest
                , @(($part | Test-AEAnomaly -Model $model).Score)
            }
        }
        $results = $jobs | Wait-Job | Receive-Job
        $jobs | Remove-Job
        ($results | ForEach-Object { $_ }) | Should -Be $serial
    }

    It 'stops a long scoring pipeline promptly on Ctrl+C' {
        $iss = [Management.Automation.Runspaces.InitialSessionState]::CreateDefault2()
        $iss.ImportPSModule($ModuleManifest)
        $ps = [powershell]::Create($iss)
        $null = $ps.AddScript('param($model) 1..10000000 | ForEach-Object { [pscustomobject]@{ cpu_pct = 50; requests_per_s = 500; memory_pct = 50; latency_ms = 70 } } | Test-AEAnomaly -Model $model -BatchSize 256').AddArgument($model)
        $out = [Management.Automation.PSDataCollection[psobject]]::new()
        $async = $ps.BeginInvoke([Management.Automation.PSDataCollection[psobject]]$null, $out)
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ($out.Count -lt 1000 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $out.Count | Should -BeGreaterOrEqual 1000
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
        } finally { $ps.Dispose() }
        # The model is still usable afterwards.
        ($rows[0..9] | Test-AEAnomaly -Model $model) | Should -HaveCount 10
    }
}
