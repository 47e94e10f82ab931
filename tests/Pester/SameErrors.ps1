function Assert-SameErrors {
    <# Scores computed in batches of other sizes differ in the last float32 digits; anything more is a failure. #>
    param($Actual, $Expected)
    @($Actual).Count | Should -Be @($Expected).Count
    for ($i = 0; $i -lt @($Expected).Count; $i++) {
        if ($null -eq $Expected[$i]) { $Actual[$i] | Should -BeNullOrEmpty; continue }
        [math]::Abs($Actual[$i] - $Expected[$i]) | Should -BeLessOrEqual (1e-6 * [math]::Max(1, [math]::Abs($Expected[$i])))
    }
}
