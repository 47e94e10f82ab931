# Rows that arrive now and then (a live metrics file read with Get-Content -Wait) are scored as they arrive, not
# when a batch of 2,048 rows has filled.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'SameErrors.ps1')
    $model = New-MetricRows -Count 300 -Seed 1 | Invoke-AETraining -Model (New-AEModel -Epochs 5) -Seed 1
    $rows = @(New-MetricRows -Count 6 -Seed 2)
    $expected = @(($rows | Test-AEAnomaly -Model $model).Score)
}

Describe 'A live stream' {
    It 'writes each row''s result before the next row arrives when rows come after a pause' {
        $seen = [System.Collections.Generic.List[object]]::new()
        $produced = [System.Collections.Generic.List[datetime]]::new()
        & { foreach ($r in $rows) { Start-Sleep -Milliseconds 400; $produced.Add([datetime]::UtcNow); $r } } |
            Test-AEAnomaly -Model $model |
            ForEach-Object { $seen.Add([pscustomobject]@{ At = [datetime]::UtcNow; Error = $_.Score }) }
        Assert-SameErrors $seen.Error $expected
        for ($i = 0; $i -lt $rows.Count - 1; $i++) { $seen[$i].At | Should -BeLessThan $produced[$i + 1] }
    }

    It 'scores a steady trickle within a second of each row, as the same scores as one batch' {
        $lags = & { foreach ($r in $rows) { Start-Sleep -Milliseconds 150; $r | Add-Member -NotePropertyName at -NotePropertyValue ([datetime]::UtcNow) -PassThru } } |
            Test-AEAnomaly -Model $model |
            ForEach-Object { [pscustomobject]@{ Lag = ([datetime]::UtcNow - $_.at).TotalMilliseconds; Error = $_.Score } }
        Assert-SameErrors $lags.Error $expected
        $lags.Lag | ForEach-Object { $_ | Should -BeLessThan 1000 }
    }

    It 'answers each line appended to a file read with Get-Content -Wait within a second' {
        $file = Join-Path $TestDrive 'metrics.csv'
        ($rows[0] | Select-Object * | ConvertTo-Csv)[0] + ',written' | Set-Content -LiteralPath $file
        $lines = @($rows | ConvertTo-Csv | Select-Object -Skip 1)
        $lines | Set-Content -LiteralPath "$file.lines"
        $producer = Start-Process -PassThru -FilePath (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')) -ArgumentList @(
            '-NoProfile', '-NonInteractive', '-Command',
            "Start-Sleep -Milliseconds 500; foreach (`$l in (Get-Content -LiteralPath '$file.lines')) { Start-Sleep -Milliseconds 300; Add-Content -LiteralPath '$file' -Value (`$l + ',' + [datetime]::UtcNow.Ticks) }")
        try {
            $lags = Get-Content -Wait -LiteralPath $file | ConvertFrom-Csv | Test-AEAnomaly -Model $model |
                ForEach-Object { [pscustomobject]@{ Lag = ([datetime]::UtcNow.Ticks - [long]$_.written) / 1e4; Error = $_.Score } } |
                Select-Object -First $rows.Count
        }
        finally {
            if (-not $producer.HasExited) { Stop-Process -Id $producer.Id }
        }
        Assert-SameErrors $lags.Error $expected
        $lags.Lag | ForEach-Object { $_ | Should -BeLessThan 1000 }
    }

    It 'answers every row of a trickle within 300 ms, the last one too, though nothing follows it' {
        # Ten rows 100 ms apart, the last an incident, then silence: the feed has stopped (the host died). The
        # producer writes one more row 5 s later only so that a reader that holds rows still ends.
        $trickle = @(New-MetricRows -Count 10 -Seed 3)
        $trickle[-1].cpu_pct = '99.5'
        $file = Join-Path $TestDrive 'trickle.csv'
        ($trickle[0] | ConvertTo-Csv)[0] + ',written' | Set-Content -LiteralPath $file
        @($trickle | ConvertTo-Csv | Select-Object -Skip 1) + @($trickle[0] | ConvertTo-Csv | Select-Object -Skip 1) |
            Set-Content -LiteralPath "$file.lines"
        $producer = Start-Process -PassThru -FilePath (Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')) -ArgumentList @(
            '-NoProfile', '-NonInteractive', '-Command',
            "Start-Sleep -Milliseconds 500; `$n = 0; foreach (`$l in (Get-Content -LiteralPath '$file.lines')) { Start-Sleep -Milliseconds (++`$n -le 10 ? 100 : 5000); Add-Content -LiteralPath '$file' -Value (`$l + ',' + [datetime]::UtcNow.Ticks) }")
        try {
            $out = Get-Content -Wait -LiteralPath $file | ConvertFrom-Csv |
                ForEach-Object { $_ | Add-Member -NotePropertyName entered -NotePropertyValue ([datetime]::UtcNow.Ticks) -PassThru } |
                Test-AEAnomaly -Model $model |
                ForEach-Object {
                    $now = [datetime]::UtcNow.Ticks
                    [pscustomobject]@{ Cpu = $_.cpu_pct; Held = ($now - $_.entered) / 1e4; Lag = ($now - [long]$_.written) / 1e4 }
                } |
                Select-Object -First $trickle.Count
        }
        finally {
            if (-not $producer.HasExited) { Stop-Process -Id $producer.Id }
        }
        $out.Count | Should -Be 10
        $out[-1].Cpu | Should -Be '99.5'
        # What Test-AEAnomaly holds a row, and the whole way from the file (Get-Content -Wait polls on its own).
        $out.Held | ForEach-Object { $_ | Should -BeLessThan 300 }
        $out.Lag | ForEach-Object { $_ | Should -BeLessThan 1000 }
    }
}
