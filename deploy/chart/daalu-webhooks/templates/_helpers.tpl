{{/*
Names, labels and the pieces every Deployment and the migration Job share.
*/}}

{{- define "daalu.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "daalu.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "daalu.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "daalu.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one app's objects: <fullname>-<app> (call with dict "root" $ "app" "<app>"). */}}
{{- define "daalu.appName" -}}
{{- printf "%s-%s" (include "daalu.fullname" .root) .app | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "daalu.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "daalu.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: daalu-webhooks
{{- end -}}

{{/* Selector labels of one app's pods (dict "root" $ "app" "<app>"). */}}
{{- define "daalu.selectorLabels" -}}
app.kubernetes.io/name: {{ include "daalu.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end -}}

{{- define "daalu.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "daalu.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The one image, pinned: repository:tag, plus @digest when given. "latest" is refused. */}}
{{- define "daalu.image" -}}
{{- $tag := required "image.tag is required (pin a version, e.g. the chart's appVersion)" .Values.image.tag | toString -}}
{{- if eq $tag "latest" -}}
{{- fail "image.tag must be a pinned version, not \"latest\"" -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The JetStream stream name prefix for DAALU_NAMESPACE, as libs/contracts/src/streams.ts derives it. */}}
{{- define "daalu.streamPrefix" -}}
{{- .Values.namespace | upper | replace "-" "_" -}}
{{- end -}}

{{/*
What one app needs besides the shared settings (dict "root" $ "app" "<app>"), as JSON:
  database: reads DATABASE_URL (every app but the origin)
  secrets:  the keys of secrets.existingSecret it reads, by env name
*/}}
{{- define "daalu.appNeeds" -}}
{{- $needs := dict "database" true "secrets" (list) -}}
{{- if eq .app "origin" -}}
{{- $_ := set $needs "database" false -}}
{{- else if eq .app "ingest-gateway" -}}
{{- $_ := set $needs "secrets" (list "DAALU_OPERATOR_TOKEN") -}}
{{- else if eq .app "outbound-dispatcher" -}}
{{- $_ := set $needs "secrets" (list "DAALU_SECRET_KEY") -}}
{{- end -}}
{{- toJson $needs -}}
{{- end -}}

{{/*
The non-secret settings of one app (dict "root" $ "app" "<app>"), as YAML key: "value". The ConfigMap
carries them for the Deployment; the migration Job (a pre-install hook, which runs before the ConfigMap
exists) gets them inline from the same definition.
*/}}
{{- define "daalu.settings" -}}
{{- $root := .root -}}
{{- $app := index $root.Values.apps .app -}}
{{- $settings := dict -}}
{{- if eq .app "origin" -}}
{{- $_ := set $settings "DAALU_PORT" "8080" -}}
{{- $_ := set $settings "HOST" "0.0.0.0" -}}
{{- $_ := set $settings "LOG_LEVEL" $root.Values.logLevel -}}
{{- $_ := set $settings "DAALU_GATEWAY_URL" (printf "http://%s:8080" (include "daalu.appName" (dict "root" $root "app" "ingest-gateway"))) -}}
{{- $_ := set $settings "DAALU_TIMELINE_URL" (printf "http://%s:8080" (include "daalu.appName" (dict "root" $root "app" "timeline-projector"))) -}}
{{- $_ := set $settings "DAALU_RULES_URL" (printf "http://%s:8080" (include "daalu.appName" (dict "root" $root "app" "rule-evaluator"))) -}}
{{- $_ := set $settings "DAALU_OUTBOUND_URL" (printf "http://%s:8080" (include "daalu.appName" (dict "root" $root "app" "outbound-dispatcher"))) -}}
{{- /* Each app has its own readiness and Service here: one unready app must not take the console down. */}}
{{- $_ := set $settings "DAALU_READY_REQUIRES_UPSTREAMS" "false" -}}
{{- else -}}
{{- $_ := set $settings "NODE_ENV" "production" -}}
{{- $_ := set $settings "PORT" "8080" -}}
{{- $_ := set $settings "HOST" "0.0.0.0" -}}
{{- $_ := set $settings "LOG_LEVEL" $root.Values.logLevel -}}
{{- $_ := set $settings "NATS_URL" (required "nats.url is required" $root.Values.nats.url) -}}
{{- $_ := set $settings "DAALU_NAMESPACE" $root.Values.namespace -}}
{{- $_ := set $settings "DAALU_STREAM_REPLICAS" (toString $root.Values.nats.streamReplicas) -}}
{{- $_ := set $settings "DAALU_SHUTDOWN_GRACE_MS" (toString (int $app.shutdownGraceMs)) -}}
{{- range $key, $value := $root.Values.config -}}
{{- $_ := set $settings $key (toString $value) -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := $app.env -}}
{{- $_ := set $settings $key (toString $value) -}}
{{- end -}}
{{- toYaml $settings -}}
{{- end -}}

{{/* Env entries read from existing Secrets only (dict "root" $ "app" "<app>"): never a value here. */}}
{{- define "daalu.secretEnv" -}}
{{- $root := .root -}}
{{- $needs := include "daalu.appNeeds" . | fromJson -}}
{{- if $needs.database }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ required "database.existingSecret is required (e.g. the CloudNativePG <cluster>-app Secret)" $root.Values.database.existingSecret | quote }}
      key: {{ $root.Values.database.uriKey | quote }}
{{- end }}
{{- range $needs.secrets }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ required "secrets.existingSecret is required (holds DAALU_OPERATOR_TOKEN and DAALU_SECRET_KEY)" $root.Values.secrets.existingSecret | quote }}
      key: {{ index $root.Values.secrets.keys . | quote }}
{{- if eq . "DAALU_SECRET_KEY" }}
{{- /* Older keys during a key rotation: optional, so the Secret may leave it out. */}}
- name: DAALU_SECRET_KEYS_PREVIOUS
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.secrets.existingSecret | quote }}
      key: {{ $root.Values.secrets.keys.DAALU_SECRET_KEYS_PREVIOUS | quote }}
      optional: true
{{- end }}
{{- end }}
{{- end -}}

{{- define "daalu.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "daalu.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Render-time checks: settings that would break at run time fail `helm install`/`helm template` instead.
*/}}
{{- define "daalu.validate" -}}
{{- if and .Values.dispatcher.keda.enabled .Values.dispatcher.hpa.enabled -}}
{{- fail "dispatcher.keda.enabled and dispatcher.hpa.enabled are mutually exclusive: KEDA creates its own HPA for the dispatcher. Enable one of them." -}}
{{- end -}}
{{- range $name := list "ingest-gateway" "timeline-projector" "rule-evaluator" "outbound-dispatcher" "origin" -}}
{{- $app := index $.Values.apps $name -}}
{{- if not $app -}}
{{- fail (printf "apps.%s is missing from the values" $name) -}}
{{- end -}}
{{- $drainMs := add (mul (int $.Values.shutdown.preStopSeconds) 1000) (int $app.shutdownGraceMs) -}}
{{- if le (mul (int $app.terminationGracePeriodSeconds) 1000) (int $drainMs) -}}
{{- fail (printf "apps.%s.terminationGracePeriodSeconds (%v s) must be longer than shutdown.preStopSeconds + shutdownGraceMs (%v ms), or Kubernetes kills the pod mid-drain" $name $app.terminationGracePeriodSeconds $drainMs) -}}
{{- end -}}
{{- end -}}
{{- $dispatcher := index .Values.apps "outbound-dispatcher" -}}
{{- $deliveryTimeout := int (default 10000 (index (default dict $dispatcher.env) "DAALU_DELIVERY_TIMEOUT_MS")) -}}
{{- if le (int $dispatcher.shutdownGraceMs) $deliveryTimeout -}}
{{- fail (printf "apps.outbound-dispatcher.shutdownGraceMs (%v) must be longer than one delivery attempt (DAALU_DELIVERY_TIMEOUT_MS %v) so an in-flight delivery finishes on shutdown" $dispatcher.shutdownGraceMs $deliveryTimeout) -}}
{{- end -}}
{{- end -}}
