#Requires -Version 7.4
# Dot-source this file to get New-ServerMetrics, the demo's data generator.

function New-ServerMetrics {
    <#
    .SYNOPSIS
        Generates realistic 5-minute metrics of a web server, with incidents injected into the last three days.
    .DESCRIPTION
        Traffic follows a daily cycle (quiet at night, busiest mid-afternoon, lighter at weekends) with noise.
        CPU follows traffic, latency rises with CPU, the error rate with latency, disk IO with traffic plus a
        nightly backup at 02:00, and memory climbs in a sawtooth as the garbage collector runs every three hours.
        Each incident breaks one of those relationships, which is what an autoencoder notices:
          runaway_process   CPU pegged above 90 % at night while traffic is low
          backend_failure   latency five times normal and 5-15 % errors in the afternoon peak
          memory_leak       memory climbing steadily to 97 % over five hours
          traffic_drop      traffic near zero in the afternoon, when it is normally at its peak
          disk_storm        disk IO at several times its normal rate, with CPU up
        The incident column names the incident a row belongs to (empty for normal rows).
    .PARAMETER Days
        How many days to generate (at least 4; incidents are in the last three).
    .PARAMETER Seed
        The random seed; the same seed gives the same rows.
    .EXAMPLE
        New-ServerMetrics -Days 14 -Seed 7 | Export-Csv metrics.csv
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [ValidateRange(4, 365)] [int] $Days = 14,
        [int] $Seed = 7,
        [datetime] $Start = '2026-03-02T00:00:00'
    )

    $rnd = [Random]::new($Seed)
    $gauss = { [math]::Sqrt(-2 * [math]::Log(1 - $rnd.NextDouble())) * [math]::Cos(2 * [math]::PI * $rnd.NextDouble()) }
    $perDay = 288
    $first = ($Days - 3) * $perDay
    # Incident windows: day offset from the first incident day, start hour, length in 5-minute steps.
    $incidents = @(
        @{ Name = 'runaway_process'; Day = 0; Hour = 3.0; Steps = 18 }
        @{ Name = 'backend_failure'; Day = 0; Hour = 15.0; Steps = 9 }
        @{ Name = 'memory_leak'; Day = 1; Hour = 6.0; Steps = 60 }
        @{ Name = 'traffic_drop'; Day = 1; Hour = 14.0; Steps = 9 }
        @{ Name = 'disk_storm'; Day = 2; Hour = 10.0; Steps = 12 }
    ) | ForEach-Object { $_.From = $first + $_.Day * $perDay + [int]($_.Hour * 12); $_.To = $_.From + $_.Steps - 1; $_ }

    $inv = [Globalization.CultureInfo]::InvariantCulture
    $total = $Days * $perDay
    for ($i = 0; $i -lt $total; $i++) {
        $time = $Start.AddMinutes(5 * $i)
        $hour = $time.TimeOfDay.TotalHours
        $weekend = $time.DayOfWeek -in 'Saturday', 'Sunday'
        $daily = 0.5 - 0.5 * [math]::Cos(2 * [math]::PI * ($hour - 3) / 24)
        $traffic = (120 + 880 * $daily) * $(if ($weekend) { 0.7 } else { 1.0 }) * (1 + 0.04 * (& $gauss)) + 15 * (& $gauss)
        $incident = ''
        foreach ($x in $incidents) { if ($i -ge $x.From -and $i -le $x.To) { $incident = $x.Name; $progress = ($i - $x.From) / [math]::Max(1, $x.Steps - 1) } }

        if ($incident -eq 'traffic_drop') { $traffic = 25 + 10 * $rnd.NextDouble() }
        $traffic = [math]::Max(5, $traffic)
        $cpu = 6 + 0.055 * $traffic + 1.5 * (& $gauss)
        if ($incident -eq 'runaway_process') { $cpu = 92 + 3 * $rnd.NextDouble() }
        if ($incident -eq 'disk_storm') { $cpu += 18 }
        $cpu = [math]::Min(100, [math]::Max(1, $cpu))
        $latency = 38 + 0.012 * $cpu * $cpu + 2.5 * (& $gauss)
        $errorRate = 0.15 + 0.003 * $latency + [math]::Abs(0.05 * (& $gauss))
        if ($incident -eq 'backend_failure') { $latency *= 5; $errorRate = 5 + 10 * $rnd.NextDouble() }
        $memory = 52 + 14 * (($i % 36) / 36) + 0.004 * $traffic + 0.8 * (& $gauss)
        if ($incident -eq 'memory_leak') { $memory = $memory + (97 - $memory) * $progress }
        $disk = 4 + 0.035 * $traffic + 1.5 * (& $gauss)
        if ($hour -ge 2 -and $hour -lt 2.5) { $disk += 45 }
        if ($incident -eq 'disk_storm') { $disk = 160 + 30 * $rnd.NextDouble() }

        [pscustomobject]@{
            timestamp      = $time.ToString('yyyy-MM-ddTHH:mm:ss', $inv)
            requests_per_s = [math]::Round($traffic, 1)
            cpu_pct        = [math]::Round($cpu, 1)
            memory_pct     = [math]::Round([math]::Min(100, $memory), 1)
            latency_ms     = [math]::Round($latency, 1)
            error_rate_pct = [math]::Round($errorRate, 2)
            disk_io_mbps   = [math]::Round([math]::Max(0, $disk), 1)
            incident       = $incident
        }
    }
}
