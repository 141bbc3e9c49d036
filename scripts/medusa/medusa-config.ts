// Minimal Medusa v2 config for orderbridge connector tests.
// No Redis: cache, event bus, workflow engine and locking use the in-memory modules.
// The admin dashboard is disabled (no build step, faster start).
import { loadEnv, defineConfig } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: process.env.STORE_CORS || "http://localhost:8000",
      adminCors: process.env.ADMIN_CORS || "http://localhost:9000",
      authCors: process.env.AUTH_CORS || "http://localhost:9000",
      jwtSecret: process.env.JWT_SECRET || "orderbridge-test-jwt-secret",
      cookieSecret: process.env.COOKIE_SECRET || "orderbridge-test-cookie-secret",
    },
  },
  admin: {
    disable: true,
  },
})
