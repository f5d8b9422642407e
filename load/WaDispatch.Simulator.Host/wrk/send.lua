-- wrk script: POSTs template sends, each to another recipient so that the pair rate never binds.
-- Run against a simulator whose number has an unreachable throughput (PUT /_sim/phone-numbers/{id}).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer simulator-token"

local counter = 0
request = function()
    counter = counter + 1
    local to = string.format("+1650%07d", counter % 10000000)
    local body = '{"messaging_product":"whatsapp","to":"' .. to .. '","type":"template","template":{"name":"promo","language":{"code":"en_US"}}}'
    return wrk.format(nil, nil, nil, body)
end

done = function(summary, latency, requests)
    io.write(string.format("requests/s: %.0f, p50 %.2f ms, p99 %.2f ms, errors: %d non-2xx\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status))
end
