namespace PSAnomalyAE.Engine.Data;

/// <summary>Called with each row of <see cref="ITrainingRows"/> in turn: its index (from 0) and its values.</summary>
public delegate void RowAction(int index, ReadOnlySpan<double> row);

/// <summary>
/// Encoded training rows that training goes through in order, as often as it needs: rows held in memory
/// (<see cref="TrainingRows"/>), or a file read again on each pass, so that large files need not be held at all.
/// Every pass gives the same rows in the same order.
/// </summary>
public interface ITrainingRows
{
    /// <summary>Values per row.</summary>
    int Width { get; }

    /// <summary>Rows in each pass.</summary>
    int Count { get; }

    /// <summary>Calls <paramref name="action"/> with every row, in order.</summary>
    void ForEachRow(RowAction action);

    /// <summary>Lets go of what holds the rows: training has made its samples from them.</summary>
    void Release();
}
