using System.Management.Automation;

namespace PSAnomalyAE.Commands;

/// <summary>
/// Measure-AEReconstructionError: emits every input row with its Score, each score term's value (ReconstructionError
/// first) and the per-feature FeatureErrors added, in input order.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "AEReconstructionError")]
[OutputType(typeof(ReconstructionErrorResult))]
public sealed class MeasureAEReconstructionErrorCommand : ScoringCommand
{
    private ScoredRowView _view = null!;
    private string[] _flatNames = Array.Empty<string>();
    private bool _featureNamesChecked;

    /// <summary>Add one column per feature (Error_ + its name) instead of the FeatureErrors object, for Export-Csv.</summary>
    [Parameter]
    public SwitchParameter FlattenFeatureErrors { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (ScoresFleet)
        {
            return;
        }

        _flatNames = FlattenFeatureErrors ? Features.Select(f => OutputProperty.FeatureErrorPrefix + f).ToArray() : Array.Empty<string>();
        string[] added = _flatNames.Concat(OutputProperty.ScoreColumns(ScoringModel.Engine)).Append(OutputProperty.FeatureErrors).ToArray();
        _view = ScoredRowView.ForErrors(this, Features, added, featureErrorsColumn: !FlattenFeatureErrors);
    }

    private protected override void Emit(ScoreResult result, int index)
    {
        PSObject output = OutputRow(index);
        bool scored = result.HasScore(index);

        // Without a score (a model that reads windows, before its first full window) the columns are there, empty.
        OutputProperty.SetScores(SetProperty, output, result, index);
        double[]? columns = scored ? result.ColumnErrors(index) : null;
        if (FlattenFeatureErrors)
        {
            for (int c = 0; c < _flatNames.Length; c++)
            {
                SetProperty(output, _flatNames[c], columns?[c]);
            }
        }
        else if (columns is null)
        {
            SetProperty(output, OutputProperty.FeatureErrors, null);
        }
        else
        {
            // The first row's names go through PowerShell's checks; later rows add the same names to the same type.
            var perFeature = new PSObject(new AEFeatureErrors(Features, columns));
            for (int c = 0; c < columns.Length; c++)
            {
                if (_featureNamesChecked)
                {
                    SetProperty(perFeature, Features[c], columns[c]);
                }
                else
                {
                    perFeature.Properties.Add(new PSNoteProperty(Features[c], columns[c]));
                }
            }

            _featureNamesChecked = true;

            SetProperty(output, OutputProperty.FeatureErrors, perFeature);
        }

        _view.Apply(output);
        WriteRow(output);
    }
}
