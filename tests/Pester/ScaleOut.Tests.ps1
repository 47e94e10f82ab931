# The scale-out pattern of examples/: per-host models trained with Group-Object and saved as a folder of named
# models, loaded back by folder, and many hosts' files scored at once into one merged list that says where each
# row came from. The hosts are local threads here (ForEach-Object -Parallel); remoting itself is tested elsewhere.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $examples = Join-Path $RepoRoot 'examples'
    $work = (New-Item -ItemType Directory -Force -Path (Join-Path $TestDrive 'fleet')).FullName
    $inbox = (New-Item -ItemType Directory -Force -Path (Join-Path $work 'today')).FullName
    $models = Join-Path $work 'models'

    # Every host has its own normal: web0 runs at a third of the others' traffic.
    function Get-HostRows([int] $Count, [int] $Seed, [int] $Start = 0) {
        New-MetricRows -Count $Count -Seed $Seed -Start $Start | ForEach-Object {
            if ($_.host -eq 'web0') { $_.requests_per_s = ([double]$_.requests_per_s / 3).ToString([cultureinfo]::InvariantCulture) }
            $_
        }
    }
    Get-HostRows -Count 900 -Seed 1 | Export-Csv (Join-Path $work 'fleet-normal.csv')

    & (Join-Path $examples 'New-NightlyModel.ps1') -TrainingPath (Join-Path $work 'fleet-normal.csv') -GroupProperty host -ModelFolder $models `
        -ExcludeProperty timestamp -Epochs 40 -Seed 1 -ModulePath $ModuleManifest | Write-Verbose
    $trainExit = $LASTEXITCODE

    # Today's files, one per host; web1 has an incident: CPU pegged while traffic is low.
    foreach ($group in Get-HostRows -Count 60 -Seed 2 -Start 900 | Group-Object host) {
        $rows = @($group.Group)
        if ($group.Name -eq 'web1') { $rows[5].cpu_pct = '99'; $rows[5].requests_per_s = '110'; $rows[5].latency_ms = '300' }
        $rows | Export-Csv (Join-Path $inbox "$($group.Name).csv")
    }
}

Describe 'Per-host models in a folder' {
    It 'are trained per host with Group-Object, saved named by host, and loaded back by folder and told apart by Name' {
        $trainExit | Should -Be 0
        (Get-ChildItem $models -Filter *.aemodel).Name | Sort-Object | Should -Be 'web0.aemodel', 'web1.aemodel', 'web2.aemodel'
        $loaded = Import-AEModel (Join-Path $models '*.aemodel')
        $loaded.Name | Sort-Object | Should -Be 'web0', 'web1', 'web2'
        $loaded | ForEach-Object { $_.SourcePath | Should -Be (Join-Path $models "$($_.Name).aemodel") }
        $loaded | ForEach-Object { $_.FeatureNames | Should -Not -Contain 'host' }
    }
}

Describe 'Invoke-FleetScoring.ps1 over a folder of host files' {
    It 'scores each host with its own model and merges the rows with their origin' {
        $all = @(& (Join-Path $examples 'Invoke-FleetScoring.ps1') -InputFolder $inbox -ModelPath $models -IncludeNormal -ModulePath $ModuleManifest)
        $all | Should -HaveCount 60
        ($all[0].PSObject.Properties.Name)[0] | Should -Be 'PSComputerName'
        $all | ForEach-Object { $_.ModelName | Should -Be $_.PSComputerName; $_.host | Should -Be $_.PSComputerName }
        ($all | Group-Object PSComputerName | ForEach-Object { @($_.Group.Threshold | Sort-Object -Unique).Count }) | Should -Be 1, 1, 1

        $flagged = @($all | Where-Object Anomaly)
        $flagged.PSComputerName | Should -Contain 'web1'
        ($flagged | Where-Object cpu_pct -EQ '99').PSComputerName | Should -Be 'web1'
    }

    It 'scores every host with one model file, and reports a host that fails by name while the others go on' {
        Copy-Item (Join-Path $inbox 'web2.csv') (Join-Path $inbox 'web9.csv')
        try {
            $one = @(& (Join-Path $examples 'Invoke-FleetScoring.ps1') -InputFolder $inbox -ModelPath (Join-Path $models 'web2.aemodel') -IncludeNormal -ModulePath $ModuleManifest)
            $one.PSComputerName | Sort-Object -Unique | Should -Be 'web0', 'web1', 'web2', 'web9'
            $one.ModelName | Sort-Object -Unique | Should -Be 'web2'

            $some = @(& (Join-Path $examples 'Invoke-FleetScoring.ps1') -InputFolder $inbox -ModelPath $models -IncludeNormal -ModulePath $ModuleManifest -ErrorVariable failed -ErrorAction SilentlyContinue)
            $some.PSComputerName | Sort-Object -Unique | Should -Be 'web0', 'web1', 'web2'
            $failed | Should -HaveCount 1
            "$($failed[0])" | Should -BeLike "web9: There is no model named 'web9'*"
        } finally {
            Remove-Item (Join-Path $inbox 'web9.csv')
        }
    }
}
