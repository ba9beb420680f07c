namespace BoneMets.Cds.Api.Feedback;

/// <summary>Reads a request body up to a size limit (feedback bodies are small; no pooling needed).</summary>
internal static class BoundedBody
{
    /// <summary>The body, or null when it is larger than <paramref name="limit"/> bytes (declared or actual).</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}
