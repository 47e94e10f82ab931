# Turns the help pages in docs/help (one Markdown file per cmdlet, plus about_PSAnomalyAE.md) into the MAML file
# Get-Help reads for a binary module (PSAnomalyAE.dll-Help.xml) and an about_ text topic. Parameter facts (type,
# mandatory, position, pipeline input, aliases) come from the built module itself, read in a child process so the
# build does not lock its DLL; the pages give the words. The build fails when a page is missing, a parameter is
# undocumented or documented but absent, or a page has no example.
#
# Page format:
#   # Verb-Noun
#   ## SYNOPSIS / ## DESCRIPTION / ## NOTES          paragraphs
#   ## EXAMPLES, then ### Example N: title, a ```powershell block, remark paragraphs
#   ## PARAMETERS, then ### -Name and its paragraphs
#   ## INPUTS / ## OUTPUTS, then ### TypeName and its paragraphs
#   ## RELATED LINKS, then - Command-Name lines
#   @include file.md                                 the lines of a shared file, e.g. parameters several cmdlets take
#   Default value: text                              (in a parameter's section) the default Get-Help shows, when the
#                                                    cmdlet's own initial value does not say it (e.g. "the model's")
#
# Defaults come from a new instance of the cmdlet class: its initial property values (0 for a number means none).
# -WhatIf and -Confirm are written for cmdlets that support them, with standard words unless a page documents them.
# No online URI is written: Get-Help -Online has nowhere to go until the project has public pages.

Set-StrictMode -Version Latest

function Read-HelpPage {
    param([Parameter(Mandatory)] [string] $Path)
    $page = [ordered]@{ Name = $null; Sections = [ordered]@{} }
    $section = $null; $sub = $null; $inCode = $false
    # "@include file.md" pulls in shared sections (the model settings several cmdlets take).
    $lines = foreach ($line in Get-Content -LiteralPath $Path) {
        if ($line -match '^@include\s+(\S+)\s*$') { Get-Content -LiteralPath (Join-Path (Split-Path $Path) $Matches[1]) } else { $line }
    }
    foreach ($line in $lines) {
        if ($line -match '^```') {
            $inCode = -not $inCode
            if ($inCode) { $sub.Code = [Collections.Generic.List[string]]::new() }
            continue
        }
        if ($inCode) { $sub.Code.Add($line); continue }
        if ($line -match '^# (\S+)\s*$') { $page.Name = $Matches[1]; continue }
        if ($line -match '^## (.+?)\s*$') {
            $section = [ordered]@{ Text = [Collections.Generic.List[string]]::new(); Items = [Collections.Generic.List[object]]::new() }
            $page.Sections[$Matches[1].ToUpperInvariant()] = $section; $sub = $null; continue
        }
        if ($line -match '^### (.+?)\s*$') {
            $sub = [ordered]@{ Title = $Matches[1]; Text = [Collections.Generic.List[string]]::new(); Code = $null }
            $section.Items.Add($sub); continue
        }
        if ($null -eq $section) { continue }
        if ($sub) { $sub.Text.Add($line) } else { $section.Text.Add($line) }
    }
    $page
}

function Split-Paragraphs {
    param([string[]] $Lines)
    $paragraphs = [Collections.Generic.List[string]]::new()
    $current = [Collections.Generic.List[string]]::new()
    foreach ($line in @($Lines) + '') {
        if ($line.Trim()) { $current.Add($line.Trim()) }
        elseif ($current.Count) { $paragraphs.Add($current -join ' '); $current.Clear() }
    }
    , $paragraphs.ToArray()
}

function Get-CommandFacts {
    param([string] $ModuleManifest)
    $script = @"
Import-Module '$ModuleManifest' -ErrorAction Stop
`$common = [Management.Automation.PSCmdlet]::CommonParameters + 'UseTransaction'
`$inv = [Globalization.CultureInfo]::InvariantCulture
Get-Command -Module PSAnomalyAE -CommandType Cmdlet | ForEach-Object {
    `$cmd = `$_
    `$instance = [Activator]::CreateInstance(`$cmd.ImplementingType)
    `$default = {
        param(`$name, `$type)
        if (`$name -in 'WhatIf', 'Confirm') { return 'False' }
        `$v = `$instance.`$name
        if (`$v -is [Management.Automation.SwitchParameter]) { return [string]`$v.IsPresent }
        if (`$null -eq `$v) { return 'None' }
        if (`$v -is [Enum] -or `$v -is [bool] -or `$v -is [string]) { return [string]`$v }
        if (`$v -is [Array]) { return (@(`$v | ForEach-Object { [Convert]::ToString(`$_, `$inv) }) -join ', ') }
        if (`$v -is [ValueType] -and `$v -eq 0) { return 'None' }
        [Convert]::ToString(`$v, `$inv)
    }
    [pscustomobject]@{
        Name = `$cmd.Name; Verb = `$cmd.Verb; Noun = `$cmd.Noun
        Sets = @(`$cmd.ParameterSets | ForEach-Object {
            [pscustomobject]@{ Name = `$_.Name; Parameters = @(`$_.Parameters | Where-Object Name -NotIn `$common | ForEach-Object {
                [pscustomobject]@{ Name = `$_.Name; Type = `$_.ParameterType.Name; FullType = `$_.ParameterType.FullName; Default = & `$default `$_.Name `$_.ParameterType
                    Switch = `$_.ParameterType -eq [switch]; Mandatory = `$_.IsMandatory
                    Position = `$(if (`$_.Position -ge 0) { [string](`$_.Position) } else { 'named' })
                    ByValue = `$_.ValueFromPipeline; ByName = `$_.ValueFromPipelineByPropertyName; Aliases = @(`$_.Aliases)
                    Globbing = [bool](`$_.Attributes | Where-Object { `$_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                    Values = @(if (`$_.ParameterType.IsEnum) { [Enum]::GetNames(`$_.ParameterType) } elseif (`$_.ParameterType.GetElementType() -and `$_.ParameterType.GetElementType().IsEnum) { [Enum]::GetNames(`$_.ParameterType.GetElementType()) }) } }) }
        })
    }
} | ConvertTo-Json -Depth 6
"@
    $pwsh = Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')
    $json = & $pwsh -NoProfile -NonInteractive -Command $script
    # An import failure inside -Command can still exit 0, so an empty answer is an error too.
    if ($LASTEXITCODE -ne 0 -or -not $json) { throw "Could not read the cmdlets of $ModuleManifest : $json" }
    @($json | ConvertFrom-Json)
}

function Build-ModuleHelp {
    param(
        [Parameter(Mandatory)] [string] $MarkdownFolder,
        [Parameter(Mandatory)] [string] $OutputFolder,
        [Parameter(Mandatory)] [string] $ModuleManifest
    )
    $maml = 'http://schemas.microsoft.com/maml/2004/10'
    $command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    $dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
    $problems = [Collections.Generic.List[string]]::new()
    $null = New-Item -ItemType Directory -Force -Path $OutputFolder
    $settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
    $w = [Xml.XmlWriter]::Create((Join-Path $OutputFolder 'PSAnomalyAE.dll-Help.xml'), $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems'); $w.WriteAttributeString('schema', 'maml')
        foreach ($cmd in Get-CommandFacts -ModuleManifest $ModuleManifest | Sort-Object Name) {
            $file = Join-Path $MarkdownFolder "$($cmd.Name).md"
            if (-not (Test-Path -LiteralPath $file)) { $problems.Add("$($cmd.Name): no help page $file"); continue }
            $page = Read-HelpPage $file
            $s = $page.Sections
            $section = { param($n) if ($s.Contains($n)) { $s[$n] } else { $null } }
            $paras = { param($lines) Split-Paragraphs $lines }
            $writeParas = { param($lines) foreach ($p in (& $paras $lines)) { $w.WriteElementString('para', $maml, $p) } }
            $params = @{}
            foreach ($set in $cmd.Sets) { foreach ($p in $set.Parameters) { $params[$p.Name] = $p } }
            $docs = @{}
            if (& $section 'PARAMETERS') { foreach ($item in (& $section 'PARAMETERS').Items) { $docs[$item.Title.TrimStart('-')] = $item } }
            # A "Default value: ..." line of a parameter's section overrides the default read from the cmdlet.
            $defaults = @{}
            foreach ($name in @($docs.Keys)) {
                $item = $docs[$name]
                $override = @($item.Text | Where-Object { $_ -match '^\s*Default value:\s*(.+?)\s*$' })
                if ($override) {
                    $null = $override[0] -match '^\s*Default value:\s*(.+?)\s*$'; $defaults[$name] = $Matches[1]
                    $item.Text = [Collections.Generic.List[string]]@($item.Text | Where-Object { $_ -notmatch '^\s*Default value:' })
                }
            }
            $standard = @{
                WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
                Confirm = 'Prompts you for confirmation before running the cmdlet.'
            }
            foreach ($name in $standard.Keys) {
                if ($params.ContainsKey($name) -and -not $docs.ContainsKey($name)) { $docs[$name] = @{ Text = @($standard[$name]) } }
            }
            foreach ($name in $params.Keys) { if (-not $docs.ContainsKey($name)) { $problems.Add("$($cmd.Name): -$name is not documented") } }
            foreach ($name in $docs.Keys) { if (-not $params.ContainsKey($name)) { $problems.Add("$($cmd.Name): documents -$name, which it does not have") } }
            $examples = if (& $section 'EXAMPLES') { @((& $section 'EXAMPLES').Items) } else { @() }
            if ($examples.Count -eq 0 -or -not ($examples | Where-Object Code)) { $problems.Add("$($cmd.Name): no example") }

            $w.WriteStartElement('command', 'command', $command)
            $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
            $w.WriteAttributeString('xmlns', 'command', $null, $command)
            $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
            $w.WriteStartElement('details', $command)
            $w.WriteElementString('name', $command, $cmd.Name)
            $w.WriteStartElement('description', $maml); & $writeParas (& $section 'SYNOPSIS').Text; $w.WriteEndElement()
            $w.WriteElementString('verb', $command, $cmd.Verb)
            $w.WriteElementString('noun', $command, $cmd.Noun)
            $w.WriteEndElement()
            $w.WriteStartElement('description', $maml); & $writeParas (& $section 'DESCRIPTION').Text; $w.WriteEndElement()

            $writeParameter = {
                param($p, [bool] $full)
                $pipeline = if ($p.ByValue -and $p.ByName) { 'True (ByValue, ByPropertyName)' } elseif ($p.ByValue) { 'True (ByValue)' } elseif ($p.ByName) { 'True (ByPropertyName)' } else { 'False' }
                $w.WriteStartElement('parameter', $command)
                $w.WriteAttributeString('required', ([string]$p.Mandatory).ToLowerInvariant())
                $w.WriteAttributeString('variableLength', 'true')
                $w.WriteAttributeString('globbing', ([string][bool]$p.Globbing).ToLowerInvariant())
                $w.WriteAttributeString('pipelineInput', $pipeline)
                $w.WriteAttributeString('position', $p.Position)
                $w.WriteAttributeString('aliases', $(if ($p.Aliases) { $p.Aliases -join ', ' } else { 'none' }))
                $w.WriteElementString('name', $maml, $p.Name)
                if ($full) { $w.WriteStartElement('description', $maml); if ($docs.ContainsKey($p.Name)) { & $writeParas $docs[$p.Name].Text }; $w.WriteEndElement() }
                if ($p.Values) {
                    $w.WriteStartElement('parameterValueGroup', $command)
                    foreach ($v in $p.Values) { $w.WriteStartElement('parameterValue', $command); $w.WriteAttributeString('required', 'false'); $w.WriteAttributeString('variableLength', 'false'); $w.WriteString($v); $w.WriteEndElement() }
                    $w.WriteEndElement()
                }
                if (-not $p.Switch) {
                    $w.WriteStartElement('parameterValue', $command); $w.WriteAttributeString('required', 'true'); $w.WriteAttributeString('variableLength', 'false'); $w.WriteString($p.Type); $w.WriteEndElement()
                }
                $w.WriteStartElement('type', $dev); $w.WriteElementString('name', $maml, $p.FullType); $w.WriteEndElement()
                if ($full) { $w.WriteElementString('defaultValue', $dev, $(if ($defaults.ContainsKey($p.Name)) { $defaults[$p.Name] } else { $p.Default })) }
                $w.WriteEndElement()
            }

            $w.WriteStartElement('syntax', $command)
            foreach ($set in $cmd.Sets) {
                $w.WriteStartElement('syntaxItem', $command)
                $w.WriteElementString('name', $maml, $cmd.Name)
                foreach ($p in $set.Parameters) { & $writeParameter $p $false }
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
            $w.WriteStartElement('parameters', $command)
            foreach ($name in $params.Keys | Sort-Object) { & $writeParameter $params[$name] $true }
            $w.WriteEndElement()

            foreach ($kind in @(@('INPUTS', 'inputTypes', 'inputType'), @('OUTPUTS', 'returnValues', 'returnValue'))) {
                $w.WriteStartElement($kind[1], $command)
                if (& $section $kind[0]) {
                    foreach ($item in (& $section $kind[0]).Items) {
                        $w.WriteStartElement($kind[2], $command)
                        $w.WriteStartElement('type', $dev); $w.WriteElementString('name', $maml, $item.Title); $w.WriteEndElement()
                        $w.WriteStartElement('description', $maml); & $writeParas $item.Text; $w.WriteEndElement()
                        $w.WriteEndElement()
                    }
                }
                $w.WriteEndElement()
            }
            $w.WriteStartElement('alertSet', $maml)
            if (& $section 'NOTES') { $w.WriteStartElement('alert', $maml); & $writeParas (& $section 'NOTES').Text; $w.WriteEndElement() }
            $w.WriteEndElement()

            $w.WriteStartElement('examples', $command)
            $n = 0
            foreach ($ex in $examples) {
                $n++
                $w.WriteStartElement('example', $command)
                $w.WriteElementString('title', $maml, "--------- $($ex.Title) ---------")
                $w.WriteElementString('code', $dev, $(if ($ex.Code) { $ex.Code -join "`n" } else { '' }))
                $w.WriteStartElement('remarks', $dev); & $writeParas $ex.Text; $w.WriteEndElement()
                $w.WriteEndElement()
            }
            $w.WriteEndElement()
            $w.WriteStartElement('relatedLinks', $maml)
            if (& $section 'RELATED LINKS') {
                foreach ($line in (& $section 'RELATED LINKS').Text) {
                    if ($line -match '^\s*-\s*(.+?)\s*$') { $w.WriteStartElement('navigationLink', $maml); $w.WriteElementString('linkText', $maml, $Matches[1]); $w.WriteElementString('uri', $maml, ''); $w.WriteEndElement() }
                }
            }
            $w.WriteEndElement()
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
        $w.WriteEndDocument()
    } finally { $w.Dispose() }

    $about = Join-Path $MarkdownFolder 'about_PSAnomalyAE.md'
    if (Test-Path -LiteralPath $about) {
        $text = foreach ($line in Get-Content -LiteralPath $about) {
            if ($line -match '^#+\s+(.+)$') { $Matches[1].ToUpperInvariant() }
            elseif ($line -match '^```') { }
            else { $line }
        }
        # Code blocks keep their indentation; fences are dropped.
        Set-Content -LiteralPath (Join-Path $OutputFolder 'about_PSAnomalyAE.help.txt') -Value $text
    } else { $problems.Add("about_PSAnomalyAE.md is missing") }

    if ($problems.Count) { throw "Help is incomplete:`n  " + ($problems -join "`n  ") }
}
