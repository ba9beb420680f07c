using System.Buffers;
using System.Text.Json;

// The floor: POST /cds-services/{id} reads the body (same limit idea as the service), parses it into a JsonDocument,
// disposes it and returns a constant. Nothing else, so the load test can report the service as a ratio to it.
const long MaxBodyBytes = 8L * 1024 * 1024;
var emptyCards = """{"cards":[]}"""u8.ToArray();

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
var app = builder.Build();

app.MapPost("/cds-services/{id}", async (HttpContext http) =>
{
    var request = http.Request;
    if (request.ContentLength is > MaxBodyBytes)
    {
        return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
    }

    var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(MaxBodyBytes + 1, (request.ContentLength ?? 64 * 1024) + 1));
    try
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > MaxBodyBytes)
                {
                    return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
                }

                var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, MaxBodyBytes + 1));
                buffer.AsSpan(0, length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = bigger;
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(length), http.RequestAborted);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        using var document = JsonDocument.Parse(buffer.AsMemory(0, length), new JsonDocumentOptions { MaxDepth = 64 });
        return Results.Bytes(emptyCards, "application/json");
    }
    catch (JsonException)
    {
        return Results.StatusCode(StatusCodes.Status400BadRequest);
    }
    catch (BadHttpRequestException)
    {
        // The client hung up mid-body (wrk does at the end of each run): nobody is left to answer.
        return Results.StatusCode(StatusCodes.Status400BadRequest);
    }
    catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
    {
        return Results.StatusCode(499);
    }
    finally
    {
        ArrayPool<byte>.Shared.Return(buffer);
    }
});

app.Run();
