package io.conveyor.benchmarks;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Cold start of the SDK's two lightweight sync HTTP clients, as a Lambda function feels it: a fresh
 * JVM builds an S3 client and makes its first call (against a moto server). Each run is a new JVM;
 * the two clients alternate so that machine noise falls on both alike.
 *
 * <pre>java -cp ... io.conveyor.benchmarks.HttpClientColdStart http://127.0.0.1:5000 [runs]</pre>
 */
public final class HttpClientColdStart {

    private static final List<String> CLIENTS = List.of("url-connection", "crt");

    private HttpClientColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("--child")) {
            child(args[1], URI.create(args[2]));
            return;
        }
        if (args.length < 1) {
            System.err.println("usage: HttpClientColdStart ENDPOINT [RUNS]");
            System.exit(2);
        }
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Map<String, List<Long>> firstCall = new TreeMap<>();
        Map<String, List<Long>> build = new TreeMap<>();
        for (int run = 0; run < runs; run++) {
            for (String client : CLIENTS) {
                long[] sample = spawn(client, args[0]);
                build.computeIfAbsent(client, k -> new ArrayList<>()).add(sample[0]);
                firstCall.computeIfAbsent(client, k -> new ArrayList<>()).add(sample[1]);
            }
            System.err.printf("run %d/%d done%n", run + 1, runs);
        }
        System.out.printf("HTTP client cold start, %d fresh JVMs each, median (min..max) ms since JVM start%n", runs);
        for (String client : CLIENTS) {
            System.out.printf("  %-15s client built %5d (%d..%d)   first S3 response %5d (%d..%d)%n", client,
                    median(build.get(client)), min(build.get(client)), max(build.get(client)),
                    median(firstCall.get(client)), min(firstCall.get(client)), max(firstCall.get(client)));
        }
        System.out.printf("  ratio crt / url-connection, first response: %.2f%n",
                (double) median(firstCall.get("crt")) / median(firstCall.get("url-connection")));
        System.out.println("Jar bytes each client adds to a function (itself and what only it pulls in):");
        List<File> classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(File::new).toList();
        for (String prefix : List.of("url-connection-client-", "aws-crt-client-", "aws-crt-")) {
            long bytes = classpath.stream().map(File::getName).filter(name -> name.startsWith(prefix))
                    // "aws-crt-" is the native CRT itself, without the client jar counted above it.
                    .filter(name -> prefix.equals("aws-crt-client-") || !name.startsWith("aws-crt-client-"))
                    .mapToLong(name -> classpath.stream().filter(f -> f.getName().equals(name)).findFirst()
                            .map(File::length).orElse(0L))
                    .sum();
            System.out.printf("  %-28s %,d%n", prefix + "*.jar", bytes);
        }
    }

    private static long[] spawn(String client, String endpoint) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), HttpClientColdStart.class.getName(), "--child", client, endpoint)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(client + " run failed: " + out);
        }
        String[] parts = out.split(" ");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    private static void child(String client, URI endpoint) {
        SdkHttpClient http = client.equals("crt") ? AwsCrtHttpClient.create() : UrlConnectionHttpClient.create();
        try (S3Client s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(http).build()) {
            long built = sinceJvmStart();
            s3.listBuckets();
            System.out.println(built + " " + sinceJvmStart());
        } finally {
            http.close();
        }
    }

    private static long sinceJvmStart() {
        return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static long min(List<Long> values) {
        return Collections.min(values);
    }

    private static long max(List<Long> values) {
        return Collections.max(values);
    }
}
