-- Argo CD health check for networktopology.io/NetworkTopology (Lua 5.1, as run by Argo CD's gopher-lua).
-- Kept identical to the copy in config/argocd/argocd-cm.yaml (ArgoCdHealthCheckTest checks it).
--
--   no status / no conditions / no Ready condition   -> Progressing "Waiting for the operator"
--   status.observedGeneration < metadata.generation  -> Progressing "Waiting for the operator to observe generation N"
--                                                       (unless Ready reports a failure reason below for that generation)
--   Ready=True                                       -> Healthy, the condition's message
--   Ready=False, a failure reason (below)            -> Degraded "<reason>: <message>"
--   Ready=False, AwaitingAddress, AwaitingGateway or any other reason -> Progressing "<reason>: <message>"
--   Ready=Unknown (or anything else)                 -> Progressing
local degradedReasons = {
  InvalidSpec = true,
  ServiceConflict = true,
  IngressConflict = true,
  ReconcileFailed = true,
  ServiceRejected = true,
  IngressRejected = true,
  RouteConflict = true,
  RouteRejected = true,
  RouteNotAccepted = true,
  GatewayAPINotInstalled = true,
  DnsConflict = true,
  DnsPolicyViolation = true,
  DnsUnsupported = true,
  CorefileUnparseable = true,
  ConnectivityFailed = true
}

local function describe(condition)
  local reason = condition.reason
  local message = condition.message
  if reason ~= nil and reason ~= "" and message ~= nil and message ~= "" then
    return reason .. ": " .. message
  end
  if reason ~= nil and reason ~= "" then
    return reason
  end
  if message ~= nil then
    return message
  end
  return ""
end

local hs = {}
local status = obj.status
if status == nil or status.conditions == nil or #status.conditions == 0 then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end

local ready = nil
for _, condition in ipairs(status.conditions) do
  if condition.type == "Ready" then
    ready = condition
  end
end
local failing = ready ~= nil and ready.status == "False" and ready.reason ~= nil and degradedReasons[ready.reason] == true

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
  -- The status describes an older spec. Only a failure the operator reported for this very generation
  -- (a reconcile error keeps the old observedGeneration but stamps the Ready condition) is final.
  if not (failing and ready.observedGeneration ~= nil and ready.observedGeneration >= generation) then
    hs.status = "Progressing"
    hs.message = "Waiting for the operator to observe generation " .. string.format("%d", generation)
    return hs
  end
end

if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end

if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = ready.message or ""
  return hs
end

if failing then
  hs.status = "Degraded"
  hs.message = describe(ready)
  return hs
end

hs.status = "Progressing"
hs.message = describe(ready)
return hs
