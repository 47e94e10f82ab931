namespace PSAnomalyAE.Engine.Data;

/// <summary>
/// Windows of consecutive rows. A window is named by its last row (its end); a row's score is that of the window
/// ending at it. A window of 1 is the row itself.
/// </summary>
public static class Windows
{
    /// <summary>The windows ending at <paramref name="ends"/>, each flattened row after row.</summary>
    public static float[] Gather(float[] rows, int width, int window, int[] ends)
    {
        var result = new float[ends.Length * window * width];
        for (int s = 0; s < ends.Length; s++)
        {
            Array.Copy(rows, (ends[s] - window + 1) * width, result, s * window * width, window * width);
        }

        return result;
    }

    /// <summary>
    /// The ends of the training windows over rows 0 .. <paramref name="rows"/> - 1: every window that fits, one
    /// every <paramref name="stride"/> rows.
    /// </summary>
    public static int[] TrainingEnds(int rows, int window, int stride) =>
        Enumerable.Range(window - 1, Math.Max(0, rows - window + 1)).Where(e => (e - window + 1) % stride == 0).ToArray();

    /// <summary>The rows among <paramref name="rows"/> that have enough rows before them to end a window.</summary>
    public static int[] EndsAmong(IEnumerable<int> rows, int window) => rows.Where(e => e >= window - 1).ToArray();

    /// <summary>
    /// The rows <paramref name="from"/> .. <paramref name="to"/> - 1 that have enough rows before them to end a window,
    /// as <see cref="EndsAmong(IEnumerable{int}, int)"/> gives them for that range, without a delegate call per row.
    /// </summary>
    public static int[] EndsAmong(int from, int to, int window)
    {
        int first = Math.Max(from, window - 1);
        var ends = new int[Math.Max(0, to - first)];
        for (int i = 0; i < ends.Length; i++)
        {
            ends[i] = first + i;
        }

        return ends;
    }
}
