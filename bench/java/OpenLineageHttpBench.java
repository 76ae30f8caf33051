// The JVM side of bench/openlineage_http.py's java client: what Spark, Flink and other JVM producers post
// with, the official client io.openlineage:openlineage-java (pom.xml beside this file), run as a single-file
// program:
//
//     java -cp "$(cat classpath.txt)" OpenLineageHttpBench.java URL THREADS WARM_RUNS RUNS PREFIX
//
// THREADS threads, each an OpenLineageClient with the HTTP transport, post START then COMPLETE of their runs:
// the python side's event shape (one input, one output; fifty jobs and a hundred input datasets shared). First
// WARM_RUNS runs a thread (the JIT compiles the client's hot paths), then it prints "warm" and waits for a line
// on stdin, so the bench measures this process's CPU from there; then RUNS runs a thread, and it prints
// "done FAILED" (the events the client could not post) and waits for one more line before it exits, so the
// bench reads its CPU before the JVM's shutdown adds to it. LINEAGE_GRAPH_TOKEN, when set, goes as the api key.

import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineage.RunEvent.EventType;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.transports.ApiKeyTokenProvider;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

public final class OpenLineageHttpBench {
    private static final OpenLineage OL = new OpenLineage(URI.create("https://github.com/example/lineage-graph-bench"));
    private static final ZonedDateTime STARTED = ZonedDateTime.parse("2026-12-07T08:00:00Z");
    private static final ZonedDateTime ENDED = ZonedDateTime.parse("2026-12-07T08:05:00Z");

    private OpenLineageHttpBench() {}

    private static OpenLineageClient client(String url) {
        HttpConfig config = new HttpConfig();
        config.setUrl(URI.create(url));
        config.setTimeoutInMillis(60_000);
        String token = System.getenv("LINEAGE_GRAPH_TOKEN");
        if (token != null && !token.isEmpty()) {
            ApiKeyTokenProvider auth = new ApiKeyTokenProvider();
            auth.setApiKey(token);
            config.setAuth(auth);
        }
        return new OpenLineageClient(new HttpTransport(config));
    }

    /** START and COMPLETE of {@code runs} runs; the events that failed to post are added to {@code failed}. */
    private static void post(OpenLineageClient client, String prefix, int thread, int runs, AtomicLong failed) {
        for (int k = 0; k < runs; k++) {
            OpenLineage.Run run = OL.newRun(UUID.randomUUID(), null);
            OpenLineage.Job job = OL.newJob("bench", "job-" + (k % 50), null);
            List<OpenLineage.InputDataset> inputs = List.of(OL.newInputDataset("s3://raw", "events/" + (k % 100), null, null));
            List<OpenLineage.OutputDataset> outputs =
                    List.of(OL.newOutputDataset("s3://clean", prefix + "/" + thread + "/" + k, null, null));
            for (EventType type : new EventType[] {EventType.START, EventType.COMPLETE}) {
                ZonedDateTime at = type == EventType.START ? STARTED : ENDED;
                try {
                    client.emit(OL.newRunEvent(at, type, run, job, inputs, outputs));
                } catch (RuntimeException err) {
                    if (failed.getAndIncrement() == 0) {
                        System.err.println("post failed: " + err);
                    }
                }
            }
        }
    }

    private static void phase(String url, int threads, int runs, String prefix, AtomicLong failed) throws Exception {
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(new Thread(() -> {
                try (OpenLineageClient client = client(url)) {
                    post(client, prefix, thread, runs, failed);
                } catch (Exception err) {
                    throw new IllegalStateException(err);
                }
            }));
        }
        for (Thread w : workers) {
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: OpenLineageHttpBench URL THREADS WARM_RUNS RUNS PREFIX");
            System.exit(2);
        }
        String url = args[0];
        int threads = Integer.parseInt(args[1]);
        int warmRuns = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        String prefix = args[4];
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        AtomicLong failed = new AtomicLong();
        phase(url, threads, warmRuns, prefix + "-warm-up", failed);
        System.out.println("warm " + failed.get());
        System.out.flush();
        stdin.readLine();
        failed.set(0);
        phase(url, threads, runs, prefix, failed);
        System.out.println("done " + failed.get());
        System.out.flush();
        stdin.readLine();
    }
}
