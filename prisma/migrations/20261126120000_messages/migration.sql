-- CreateTable
CREATE TABLE "ReplayJob" (
    "id" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "filterSubject" TEXT,
    "fromSeq" BIGINT NOT NULL,
    "toSeq" BIGINT NOT NULL,
    "remapFrom" TEXT,
    "remapTo" TEXT,
    "ratePerSec" INTEGER NOT NULL DEFAULT 0,
    "addMsgId" BOOLEAN NOT NULL DEFAULT true,
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "originalPace" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'running',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "cursorSeq" BIGINT NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ReplayJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReplayJob_status_idx" ON "ReplayJob"("status");

-- CreateIndex
CREATE INDEX "ReplayJob_createdAt_idx" ON "ReplayJob"("createdAt");
