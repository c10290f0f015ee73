package dev.redrive.runner.config;

import dev.redrive.runner.process.Sandbox;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the phase-runner ({@code redrive.runner.*}).
 *
 * @param pipelines where the pipeline definitions are (a Spring resource location such as {@code
 *     classpath:pipelines/} or {@code file:/etc/redrive/pipelines/}); every *.yaml there is loaded
 *     and validated at start
 * @param pipelinesReloadInterval how often the pipeline files are read again, so that new and
 *     changed files are used without a restart (the local launcher: 2s); 0 = only at start. When it
 *     is more than 0, a bad file never stops the runner, at start either: it is logged at ERROR
 *     ({@code path:line: field: problem}, once until it changes) and left out, and a file that
 *     turns bad keeps its previous version. When it is 0, a bad file stops start-up, naming it
 * @param workspaceRoot folder under which each execution gets its workspace
 * @param workers phases that may run at the same time
 * @param outputLimitBytes bytes of a command's output kept in memory (head and tail)
 * @param eventExcerptChars characters of output carried in an AttemptFailed event
 * @param source name written in the {@code source} field of the events the runner produces
 * @param instanceId this runner instance; at start it reports as INTERRUPTED only the attempts that
 *     it left running itself, so several runners can share one database. Keep it stable across
 *     restarts (a StatefulSet pod name, a host name); empty = the host name
 * @param inheritedEnvironment the runner's environment variables that phases see; every other
 *     variable of the runner (database passwords...) is withheld. A phase's own {@code env} adds
 *     more
 * @param shutdownGrace how long running phases may finish when the runner stops
 * @param stopPollInterval how often a runner looks for cancels of the phases it runs that another
 *     runner instance received (a cancel received by the runner that runs the phase stops it at
 *     once)
 * @param sandbox where phase processes run: {@code required} = in a bubblewrap sandbox, and the
 *     runner refuses to start when none works; {@code auto} = in the sandbox when it works, else
 *     unconfined with a WARN at start; {@code off} = unconfined
 * @param sandboxProgram the bubblewrap program (a name looked up on PATH, or a path)
 * @param httpResponseMaxBytes bytes of an http phase's answer body that the runner keeps (streamed
 *     to the phase's artifacts); a longer answer fails the attempt (HARD) naming this setting
 */
@Validated
@ConfigurationProperties("redrive.runner")
public record RunnerProperties(
    @DefaultValue("classpath:pipelines/") @NotBlank String pipelines,
    @DefaultValue("0s") @NotNull Duration pipelinesReloadInterval,
    @NotNull Path workspaceRoot,
    @DefaultValue("4") @Min(1) int workers,
    @DefaultValue("65536") @Min(1024) int outputLimitBytes,
    @DefaultValue("16384") @Min(256) int eventExcerptChars,
    @DefaultValue("redrive-runner") @NotBlank String source,
    @DefaultValue("") String instanceId,
    @DefaultValue({"PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LC_ALL", "TZ", "TMPDIR"})
        List<String> inheritedEnvironment,
    @DefaultValue("30s") @NotNull Duration shutdownGrace,
    @DefaultValue("1s") @NotNull Duration stopPollInterval,
    @DefaultValue("auto") @NotNull Sandbox.Mode sandbox,
    @DefaultValue("bwrap") @NotBlank String sandboxProgram,
    @DefaultValue("4194304") @Min(1024) long httpResponseMaxBytes) {}
