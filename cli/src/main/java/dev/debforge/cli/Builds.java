package dev.debforge.cli;

import dev.debforge.plan.BuildRequest;
import dev.debforge.recipe.UserText;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc.WorkflowServiceBlockingStub;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.CanceledFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The builds a Temporal service knows, as the queue commands read them: listed from open and
 * closed executions (the Java test server has no visibility queries), described with their
 * running step's heartbeat.
 */
final class Builds {

  static final int DEFAULT_PRIORITY = 3;

  private Builds() {}

  /** How long a command waits for the Temporal service to answer its first call. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

  /**
   * A connection to the service named by --temporal, $DEBFORGE_TEMPORAL or localhost:7233, once
   * the service has answered: every command that talks to a service connects here, so a
   * malformed address (exit 2) and a service that does not answer (exit 1) read the same
   * everywhere.
   *
   * @throws UserError when the address is not HOST:PORT
   * @throws UnreachableService when nothing answers there
   */
  static Connection connect(GlobalOptions options) {
    String target = options.temporalTarget();
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    try {
      service
          .blockingStub()
          .withDeadlineAfter(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      service.shutdownNow();
      throw new UnreachableService(target, e.getStatus());
    }
    return new Connection(target, service, WorkflowClient.newInstance(service));
  }

  /** No Temporal service answered at the address; the command exits with 1. */
  static final class UnreachableService extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreachableService(String target, Status status) {
      super("no Temporal service answers at " + target + " (" + why(status) + ")"
          + "\nHint: start one with 'debforge server --port PORT' or point --temporal (or"
          + " $DEBFORGE_TEMPORAL) at a running service or cluster");
    }

    private static String why(Status status) {
      return switch (status.getCode()) {
        case UNAVAILABLE -> "the connection was refused or the host cannot be reached";
        case DEADLINE_EXCEEDED -> "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s";
        case UNIMPLEMENTED -> "something answers there, but it is not a Temporal service";
        default -> "it answered " + status.getCode().name().toLowerCase(Locale.ROOT)
            .replace('_', ' ');
      };
    }
  }

  record Connection(String target, WorkflowServiceStubs service, WorkflowClient client)
      implements AutoCloseable {
    WorkflowServiceBlockingStub blocking() {
      return service.blockingStub();
    }

    String namespace() {
      return client.getOptions().getNamespace();
    }

    @Override
    public void close() {
      service.shutdown();
    }
  }

  private static final Pattern BUILD_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,999}");

  /**
   * The build id as it is, when it can be one: letters, digits, '.', '_' and '-', starting with
   * a letter or digit. A build id also names a directory of the store's logs, so {@code ..} or a
   * path must never pass for one.
   *
   * @throws UserError naming the id
   */
  static String checkedId(String buildId) {
    if (!BUILD_ID.matcher(buildId).matches()) {
      throw new UserError(
          "build id " + UserText.quote(buildId) + " is not a build id: ids are letters, digits,"
              + " '.', '_' and '-', starting with a letter or digit"
              + "\nHint: 'debforge list' shows the ids of the builds the service knows");
    }
    return buildId;
  }

  /**
   * What a build is, kept with its workflow for {@code list}: one request per architecture,
   * whose architectures it names as {@code amd64,arm64}.
   */
  static Map<String, Object> memo(List<BuildRequest> requests, int priority) {
    BuildRequest request = requests.get(0);
    Map<String, Object> memo = new LinkedHashMap<>();
    memo.put("kind", request.kind());
    memo.put("source", request.kind().equals("build") ? request.image() : request.recipePath());
    memo.put("destination", request.destination());
    memo.put("architecture",
        String.join(",", requests.stream().map(BuildRequest::architecture).toList()));
    memo.put("priority", Integer.toString(priority));
    return memo;
  }

  /** The workflow types that are builds: one architecture's, and a multi-architecture one. */
  static final List<String> BUILD_TYPES = List.of("ImageBuild", "MultiArchBuild");

  /** One build in a listing; a multi-architecture build's child names its parent. */
  record Entry(
      String id,
      String state,
      String kind,
      String source,
      String architecture,
      String destination,
      int priority,
      Instant started,
      Instant closed,
      String parent) {

    double seconds(Instant now) {
      Instant end = closed != null ? closed : now;
      return Math.round((end.toEpochMilli() - started.toEpochMilli()) / 100.0) / 10.0;
    }

    /** The entry as {@code list --json} and {@code status --json} print it. */
    Map<String, Object> toJson(Instant now) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("buildId", id);
      json.put("state", state);
      json.put("kind", kind);
      json.put("source", source);
      json.put("architecture", architecture);
      json.put("destination", destination);
      json.put("priority", priority);
      json.put("started", started.toString());
      json.put("seconds", seconds(now));
      if (parent != null) {
        json.put("parent", parent);
      }
      return json;
    }
  }

  /** Every build the service knows, newest first. */
  static List<Entry> list(Connection connection) {
    List<WorkflowExecutionInfo> infos = new ArrayList<>();
    infos.addAll(
        connection
            .blocking()
            .listOpenWorkflowExecutions(
                ListOpenWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(connection.namespace())
                    .setMaximumPageSize(1000)
                    .build())
            .getExecutionsList());
    infos.addAll(
        connection
            .blocking()
            .listClosedWorkflowExecutions(
                ListClosedWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(connection.namespace())
                    .setMaximumPageSize(1000)
                    .build())
            .getExecutionsList());
    return infos.stream()
        .filter(info -> BUILD_TYPES.contains(info.getType().getName()))
        .map(info -> withMemo(connection, info))
        .map(Builds::entry)
        .sorted(Comparator.comparing(Entry::started).reversed())
        .toList();
  }

  /** The Java test server lists executions without their memo; describing one has it. */
  private static WorkflowExecutionInfo withMemo(Connection connection, WorkflowExecutionInfo info) {
    if (info.getMemo().getFieldsCount() > 0) {
      return info;
    }
    try {
      return describe(connection, info.getExecution().getWorkflowId()).getWorkflowExecutionInfo();
    } catch (StatusRuntimeException e) {
      return info;
    }
  }

  static Optional<Entry> find(Connection connection, String buildId) {
    try {
      DescribeWorkflowExecutionResponse described = describe(connection, buildId);
      return Optional.of(entry(described.getWorkflowExecutionInfo()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  static DescribeWorkflowExecutionResponse describe(Connection connection, String buildId) {
    return connection
        .blocking()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(connection.namespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(buildId))
                .build());
  }

  /** The running step's attempt and last heartbeat message, if a step is running. */
  static Optional<Map<String, Object>> runningStep(DescribeWorkflowExecutionResponse described) {
    // A build runs one step at a time: at most one activity is pending.
    return described.getPendingActivitiesList().stream().findFirst().map(Builds::runningStep);
  }

  private static Map<String, Object> runningStep(PendingActivityInfo activity) {
    Map<String, Object> step = new LinkedHashMap<>();
    step.put("stage", activity.getActivityType().getName());
    step.put("attempt", activity.getAttempt());
    step.put("state", activity.getState().name().replace("PENDING_ACTIVITY_STATE_", "")
        .toLowerCase(Locale.ROOT));
    if (activity.hasHeartbeatDetails() && activity.getHeartbeatDetails().getPayloadsCount() > 0) {
      step.put("progress", text(activity.getHeartbeatDetails().getPayloads(0)));
    }
    if (activity.hasLastHeartbeatTime()) {
      step.put("lastHeartbeat",
          Instant.ofEpochSecond(activity.getLastHeartbeatTime().getSeconds()).toString());
    }
    if (!activity.getLastWorkerIdentity().isEmpty()) {
      step.put("workerIdentity", activity.getLastWorkerIdentity());
    }
    return step;
  }

  private static Entry entry(WorkflowExecutionInfo info) {
    Map<String, Payload> memo = info.getMemo().getFieldsMap();
    String priority = memoText(memo, "priority");
    return new Entry(
        info.getExecution().getWorkflowId(),
        state(info.getStatus()),
        memoText(memo, "kind"),
        memoText(memo, "source"),
        memoText(memo, "architecture"),
        memoText(memo, "destination"),
        priority == null ? DEFAULT_PRIORITY : Integer.parseInt(priority),
        instant(info.getStartTime()),
        info.hasCloseTime() && info.getCloseTime().getSeconds() > 0
            ? instant(info.getCloseTime())
            : null,
        memoText(memo, "parent"));
  }

  private static Instant instant(com.google.protobuf.Timestamp time) {
    return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
  }

  /** The state names {@code list --state} takes. */
  static final List<String> STATES =
      List.of("running", "succeeded", "failed", "cancelled", "terminated", "timed-out");

  static String state(WorkflowExecutionStatus status) {
    return switch (status) {
      case WORKFLOW_EXECUTION_STATUS_RUNNING -> "running";
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> "succeeded";
      case WORKFLOW_EXECUTION_STATUS_FAILED -> "failed";
      case WORKFLOW_EXECUTION_STATUS_CANCELED -> "cancelled";
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "terminated";
      case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> "timed-out";
      default -> status.name().toLowerCase(Locale.ROOT);
    };
  }

  private static String memoText(Map<String, Payload> memo, String key) {
    Payload payload = memo.get(key);
    return payload == null ? null : text(payload);
  }

  private static String text(Payload payload) {
    return DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, String.class, String.class);
  }

  /** Whether a build's failure is its cancellation. */
  static boolean cancelled(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CanceledFailure) {
        return true;
      }
    }
    return false;
  }
}
