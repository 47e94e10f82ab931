using System.Globalization;
using System.Management.Automation;

namespace PSAnomalyAE.Commands;

public abstract partial class TrainingCommand
{
    /// <summary>
    /// The culture the rows' numbers are written in, such as de-DE for "12,5". By default the invariant culture:
    /// '.' for decimals. A model reads numbers, not text: score its rows with the same -Culture.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public CultureInfo? Culture { get; set; }
}
